import { headers } from "next/headers";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/app-header";
import { Forbidden } from "@/components/forbidden";
import { REQUEST_PATH_HEADER } from "@/proxy";
import { OPERATORS_ONLY, requireOperator } from "@/server/guards";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

/**
 * Every console page: signed-out visitors go to sign in (and come back to the page they asked for), customers get the
 * 403 page, operators get the header and the page. The pages' data is guarded again where it is read (tRPC's
 * operatorProcedure): Next renders a page beside its layout even when the layout shows something else instead.
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const path = (await headers()).get(REQUEST_PATH_HEADER) ?? "/admin";
  const operator = await requireOperator(path);
  if (!operator) return <Forbidden message={OPERATORS_ONLY} />;

  await getQueryClient().prefetchQuery(trpc.auth.me.queryOptions());
  return (
    <div className="flex min-h-screen flex-col">
      <HydrateClient>
        <AppHeader area="console" />
      </HydrateClient>
      {children}
    </div>
  );
}
