// Every page request passes here first. It sets the Content Security Policy with a fresh nonce (Next.js reads the nonce
// from the request's policy and puts it on its own scripts; the guide "How to set a Content Security Policy for your
// Next.js application"), HSTS when the page came over https, and the request path for the console's layout, which is
// not told which page it wraps and needs the path to send a signed-out visitor back to it after signing in.
import { NextResponse, type NextRequest } from "next/server";
import { isHttps } from "@/lib/https";

export const REQUEST_PATH_HEADER = "x-meridian-path";

/**
 * Scripts only from this origin with this request's nonce, and what those load ('strict-dynamic'); no framing by any
 * site. Styles allow inline `style` attributes (React renders them, charts use them); a style cannot run code.
 * `next dev` needs 'unsafe-eval' (React's debugging rebuilds server stacks with eval); production never gets it.
 */
export function contentSecurityPolicy(nonce: string, options: { https: boolean; development: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function proxy(request: NextRequest) {
  const https = isHttps(request.headers, request.url);
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, { https, development: process.env.NODE_ENV === "development" });

  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  // Always overwritten: a client cannot pick where the login page sends it back to (login also accepts same-site paths
  // only).
  headers.set(REQUEST_PATH_HEADER, request.nextUrl.pathname);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  if (https) response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  return response;
}

// Pages only: the API answers JSON (its headers come from next.config.ts), and static files need no nonce.
export const config = { matcher: ["/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)"] };
