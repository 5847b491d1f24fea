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
};

export default nextConfig;
