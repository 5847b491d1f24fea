"use client";

import type { QueryClient } from "@tanstack/react-query";
import { QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import type { AppRouter } from "@meridian/core/trpc";
import { activityHeaders } from "./activity";
import { makeQueryClient } from "./query-client";
import { stepUpLink } from "./step-up";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;

function getQueryClient(): QueryClient {
  // On the server every render gets its own client, so one person's data never reaches another's page.
  if (typeof window === "undefined") return makeQueryClient();
  browserQueryClient ??= makeQueryClient({
    onQueryError: sendToLoginWhenSignedOut,
    onMutationError: sendToLoginWhenSignedOut,
  });
  return browserQueryClient;
}

const SESSION_ENDS = new Set(["idle", "expired", "revoked"]);

/**
 * A session that ended while a screen was open (idle, past its limit, signed out elsewhere or revoked): send the person
 * to sign in again, saying why, instead of showing stale data or failing each action.
 */
function sendToLoginWhenSignedOut(error: unknown) {
  if (
    error instanceof TRPCClientError &&
    error.data?.code === "UNAUTHORIZED" &&
    window.location.pathname !== "/login"
  ) {
    const next = encodeURIComponent(window.location.pathname);
    const ended: unknown = error.data?.sessionEnded;
    const why = typeof ended === "string" && SESSION_ENDS.has(ended) ? `&ended=${ended}` : "";
    window.location.assign(`/login?next=${next}${why}`);
  }
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // Subscriptions are server-sent events (an EventSource sends the session cookie like any same-origin request).
      links: [
        // Operator actions refused for want of a recent password confirmation ask for it and go again.
        stepUpLink,
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc" }),
          false: httpBatchLink({ url: "/api/trpc", headers: activityHeaders }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
