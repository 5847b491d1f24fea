import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The workspace packages ship TypeScript source (no build step); Next compiles them with the app.
  transpilePackages: ["@meridian/core", "@meridian/db"],
  // Native sockets, WASM and worker threads: load these from node_modules at run time instead of bundling them.
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "ioredis",
    "kafkajs",
    "pino",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
  // The same on every answer, pages, API and files alike. The page's Content Security Policy (with its nonce) and HSTS
  // depend on the request and are set in src/proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          // For browsers that predate CSP's frame-ancestors.
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
