/**
 * Whether the browser reached us over https: the first `X-Forwarded-Proto` a proxy in front set, else the request URL's
 * scheme (docs/security.md: the proxy must overwrite the header). It decides the cookie's Secure flag, HSTS and the
 * CSP's upgrade-insecure-requests.
 */
export function isHttps(requestHeaders: Headers, url?: string): boolean {
  const forwarded = requestHeaders.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (forwarded) return forwarded === "https";
  return url !== undefined && new URL(url).protocol === "https:";
}
