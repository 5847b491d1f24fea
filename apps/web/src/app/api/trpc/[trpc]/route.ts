import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter, createTrpcContext, getCoreServices, type TrpcContext } from "@meridian/core/trpc";
import { createSessionStore } from "@/server/session";

// Sessions live in cookies and every answer is personal: never cache, never prerender.
export const dynamic = "force-dynamic";

/**
 * The caller's address for login throttling and the audit log. Trust assumption (docs/security.md): the web app is
 * reached only through a reverse proxy that sets `X-Forwarded-For` (or `X-Real-IP`) itself, overwriting what the
 * client sent; the first hop is then the client. Exposed directly, a client could name any address here, so the
 * per-email limit, which does not depend on it, is the one that always holds.
 */
function requestInfo(req: Request): NonNullable<TrpcContext["request"]> {
  const forwarded = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const realIp = req.headers.get("x-real-ip")?.trim();
  return {
    ip: (forwarded || realIp || null)?.slice(0, 64) ?? null,
    userAgent: req.headers.get("user-agent")?.slice(0, 300) ?? null,
  };
}

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () =>
      createTrpcContext({
        services: getCoreServices(),
        session: await createSessionStore({ writable: true }),
        request: requestInfo(req),
      }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
