import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter, createTrpcContext, getCoreServices } from "@meridian/core/trpc";
import { createSessionStore } from "@/server/session";

// Sessions live in cookies and every answer is personal: never cache, never prerender.
export const dynamic = "force-dynamic";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () =>
      createTrpcContext({ services: getCoreServices(), session: await createSessionStore({ writable: true }) }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
