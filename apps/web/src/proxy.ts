// Layouts are not told which page they wrap, and the console's layout needs the path to send a signed-out visitor
// back to it after signing in: the path travels to it as a request header set here.
import { NextResponse, type NextRequest } from "next/server";

export const REQUEST_PATH_HEADER = "x-meridian-path";

export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  // Always overwritten: a client cannot pick where the login page sends it back to (login also accepts same-site paths
  // only).
  headers.set(REQUEST_PATH_HEADER, request.nextUrl.pathname);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/admin", "/admin/:path*"] };
