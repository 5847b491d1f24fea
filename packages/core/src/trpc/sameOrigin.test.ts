import { describe, expect, it } from "vitest";
import { crossSiteRefusal, ownOrigin } from "./sameOrigin";

const post = (headers: Record<string, string>, url = "http://127.0.0.1:3100/api/trpc/orders.place") => ({
  method: "POST",
  url,
  headers: new Headers({ host: new URL(url).host, ...headers }),
});

describe("the origin check on tRPC mutations", () => {
  it("lets a POST from the app's own pages through", () => {
    expect(crossSiteRefusal(post({ origin: "http://127.0.0.1:3100" }))).toBeNull();
    expect(crossSiteRefusal(post({ "sec-fetch-site": "same-origin" }))).toBeNull();
  });

  it("refuses a POST from another site, saying where it came from and what to do", () => {
    const refusal = crossSiteRefusal(post({ origin: "https://evil.example" }));
    expect(refusal).toMatch(/another site \(https:\/\/evil\.example\)/);
    expect(refusal).toMatch(/Open Meridian at http:\/\/127\.0\.0\.1:3100 and try again/);
    // Same host, other port or scheme: another origin.
    expect(crossSiteRefusal(post({ origin: "http://127.0.0.1:3200" }))).not.toBeNull();
    expect(crossSiteRefusal(post({ origin: "https://127.0.0.1:3100" }))).not.toBeNull();
    // Sandboxed frames and some redirects send "null".
    expect(crossSiteRefusal(post({ origin: "null" }))).not.toBeNull();
    expect(crossSiteRefusal(post({ origin: "not a url" }))).not.toBeNull();
  });

  it("without Origin, refuses a POST the browser marks cross-site or same-site, and one that says nothing", () => {
    expect(crossSiteRefusal(post({ "sec-fetch-site": "cross-site" }))).toMatch(/another site/);
    expect(crossSiteRefusal(post({ "sec-fetch-site": "same-site" }))).toMatch(/another site/);
    expect(crossSiteRefusal(post({ "sec-fetch-site": "none" }))).not.toBeNull();
    expect(crossSiteRefusal(post({}))).toMatch(/no Origin header/);
  });

  it("leaves GET queries and subscriptions alone, whatever they carry", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"])
      expect(
        crossSiteRefusal({ ...post({ origin: "https://evil.example", "sec-fetch-site": "cross-site" }), method }),
      ).toBeNull();
  });

  it("takes the app's origin from the proxy's X-Forwarded-Proto and X-Forwarded-Host when they are set", () => {
    const behindProxy = post(
      { origin: "https://meridian.example", "x-forwarded-proto": "https", "x-forwarded-host": "meridian.example" },
      "http://10.0.0.5:3000/api/trpc/orders.place",
    );
    expect(ownOrigin(behindProxy)).toBe("https://meridian.example");
    expect(crossSiteRefusal(behindProxy)).toBeNull();
    expect(
      crossSiteRefusal({
        ...behindProxy,
        headers: new Headers({ ...Object.fromEntries(behindProxy.headers), origin: "http://meridian.example" }),
      }),
    ).not.toBeNull();
    // The default port is the same origin as none.
    expect(
      crossSiteRefusal(post({ origin: "https://meridian.example" }, "https://meridian.example:443/api/trpc/x")),
    ).toBeNull();
  });
});
