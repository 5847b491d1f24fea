// Cross-site request forgery: a mutation is accepted only from Meridian's own pages. Browsers say where a request came
// from in `Origin` (every modern browser sends it on a POST) or, failing that, `Sec-Fetch-Site`; neither can be set by
// a page. The check is the one OWASP's CSRF cheat sheet calls "verifying origin with standard headers", and the one
// Go's net/http CrossOriginProtection makes, except that a POST with neither header is refused here too: our own
// pages always send one, and other clients (scripts, tests) can send an Origin.

/** Methods that never change anything here (tRPC queries and subscriptions are GETs). */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const firstValue = (header: string | null) => header?.split(",")[0]?.trim() || null;

/**
 * The app's own origin as this request reached it: scheme and host from `X-Forwarded-Proto` / `X-Forwarded-Host` when
 * a proxy in front set them (docs/security.md: the proxy must overwrite them), else from `Host` and the request URL.
 */
export function ownOrigin(request: { url: string; headers: Headers }): string | null {
  const url = new URL(request.url);
  const proto = firstValue(request.headers.get("x-forwarded-proto")) ?? url.protocol.replace(/:$/, "");
  const host = firstValue(request.headers.get("x-forwarded-host")) ?? request.headers.get("host") ?? url.host;
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return null;
  }
}

/** Why `request` must be refused as cross-site, or null when it may go on. */
export function crossSiteRefusal(request: { method: string; url: string; headers: Headers }): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const origin = request.headers.get("origin");
  if (origin !== null) {
    const own = ownOrigin(request);
    if (own !== null && origin !== "null" && sameOrigin(origin, own)) return null;
    return `Refused: this change was sent from another site (${origin}), not from Meridian. Open Meridian at ${own ?? "its own address"} and try again there.`;
  }
  const site = request.headers.get("sec-fetch-site");
  if (site === "same-origin") return null;
  if (site !== null)
    return "Refused: this change was sent from another site, not from Meridian. Open Meridian itself and try again there.";
  return "Refused: this change does not say which site sent it (no Origin header). Use Meridian's own pages, or send an Origin header naming Meridian's address.";
}

function sameOrigin(origin: string, own: string): boolean {
  try {
    return new URL(origin).origin === own;
  } catch {
    return false;
  }
}
