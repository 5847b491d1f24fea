import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { cache, type ReactNode } from "react";
import { appRouter, createTrpcContext, getCoreServices } from "@meridian/core/trpc";
import { createSessionStore } from "@/server/session";
import { makeQueryClient } from "./query-client";

/** One context per request: the session is read from the request's cookies (read-only while rendering). */
const createContext = cache(async () =>
  createTrpcContext({ services: getCoreServices(), session: await createSessionStore({ writable: false }) }),
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
