import "server-only";
import { notFound } from "next/navigation";
import type { FetchQueryOptions } from "@tanstack/react-query";
import { TRPCError } from "@trpc/server";
import type { ReactNode } from "react";
import { getQueryClient, HydrateClient } from "@/trpc/server";

// Any procedure's queryOptions(): a list of them has as many data types as entries, so they are not spelled here.
type QueryOptions = FetchQueryOptions<any, any, any, any>;

/** What a console page shows on its first paint; the layout has already turned away everyone but operators. */
export async function prefetch(...queries: QueryOptions[]) {
  const queryClient = getQueryClient();
  await Promise.all(queries.map((query) => queryClient.prefetchQuery(query)));
}

/**
 * A detail page's record, fetched (not just prefetched) so a mistyped or unknown id is a 404 page. A visitor who may
 * not read it gets the layout's answer (sign in, or 403); anything else goes to the error boundary.
 */
export async function fetchRecord(query: QueryOptions) {
  try {
    await getQueryClient().fetchQuery(query);
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    if (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST") notFound();
    if (error.code !== "UNAUTHORIZED" && error.code !== "FORBIDDEN") throw error;
  }
}

/**
 * A console page that shows `content` once `queries` are prefetched; the queries are built per request (tRPC's server
 * proxy reads the request's session).
 */
export function consolePage(content: () => ReactNode, queries: () => QueryOptions[]) {
  return async function ConsolePage() {
    await prefetch(...queries());
    return <HydrateClient>{content()}</HydrateClient>;
  };
}

/** A console page about one record (`/admin/<kind>/[id]`): fetched first, so a wrong id is a 404 page. */
export function recordPage(content: (id: string) => ReactNode, record: (id: string) => QueryOptions) {
  return async function RecordPage({ params }: { params: Promise<{ id: string }> }) {
    const { id } = await params;
    await fetchRecord(record(id));
    return <HydrateClient>{content(id)}</HydrateClient>;
  };
}
