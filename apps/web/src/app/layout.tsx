import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { StepUpDialog } from "@/components/step-up-dialog";
import { TRPCReactProvider } from "@/trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Meridian", template: "%s · Meridian" },
  description: "Trade US stocks through Meridian's partner brokers.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: Next.js puts the request's CSP nonce (src/proxy.ts) on its scripts only then;
  // a page prerendered at build time would carry scripts the policy refuses.
  await connection();
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>
          {children}
          <StepUpDialog />
        </TRPCReactProvider>
      </body>
    </html>
  );
}
