// `prisma generate` without a network: the CLI insists on a schema-engine binary even though client generation
// never runs it, so point it at a harmless executable (see DESIGN.md, "Facts about these machines").
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? "/bin/true" };
execFileSync("npx", ["prisma", "generate"], { cwd: packageDir, env, stdio: "inherit" });
