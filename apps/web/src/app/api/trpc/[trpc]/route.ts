import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import {
  appRouter,
  createRequestContext,
  crossSiteRefusal,
  getCoreServices,
  showsActivity,
  type TrpcContext,
} from "@meridian/core/trpc";
import { isHttps } from "@/lib/https";
import { sessionCookie } from "@/server/session";

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
    createContext: async () => {
      // Cross-site request forgery: a POST (every mutation) from another site is refused before any procedure runs.
      const refusal = crossSiteRefusal(req);
      if (refusal) throw new TRPCError({ code: "FORBIDDEN", message: refusal });
      return createRequestContext({
        services: getCoreServices(),
        cookie: await sessionCookie({ writable: true, https: isHttps(req.headers, req.url) }),
        request: requestInfo(req),
        // A screen polling or streaming on its own does not keep the session from idling out.
        touch: showsActivity(req),
      });
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
