import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { cache, type ReactNode } from "react";
import { appRouter, createTrpcContext, getCoreServices } from "@meridian/core/trpc";
import { currentSession } from "@/server/session";
import { makeQueryClient } from "./query-client";

/**
 * One context per request, with the session the page's guard resolved from the request's cookie (no cookie port:
 * nothing signs in or out while rendering).
 */
const createContext = cache(async () =>
  createTrpcContext({ services: getCoreServices(), session: await currentSession() }),
);

export const getQueryClient = cache(() => makeQueryClient());

export const trpc = createTRPCOptionsProxy({
  ctx: createContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/** Hands what the server fetched to the browser's QueryClient, so the first paint has data and no spinner. */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
