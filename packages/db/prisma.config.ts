import { defineConfig } from "prisma/config";

// The CLI reads the URL only for commands that talk to a database (`prisma migrate status` on a machine with the
// schema engine). The application never goes through the CLI: see src/client.ts and src/migrate.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
});
