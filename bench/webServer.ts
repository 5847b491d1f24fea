// The web app as customers meet it, for benchmarks: the production build served by `next start` on a free port, against
// the database and Redis the benchmark chose — the way scripts/start.ts starts it, without the brokers or the worker.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sleep } from "@meridian/core/sleep";
import { freePort } from "@meridian/db/testing";

const root = fileURLToPath(new URL("..", import.meta.url));
const webDir = `${root}apps/web`;
const nextBin = `${root}node_modules/next/dist/bin/next`;

export interface WebServer {
  url: string;
  pid: number | undefined;
  /** The last lines the server printed, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

/** `next build` when apps/web has no production build yet (`--rebuild` or BENCH_REBUILD=1 forces one). */
export function ensureWebBuild(force: boolean): void {
  if (!force && existsSync(`${webDir}/.next/BUILD_ID`)) return;
  console.log("building apps/web (next build)…");
  const build = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: webDir,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) throw new Error(`next build failed (exit ${build.status ?? build.signal})`);
}

/** `nodeArgs` go to the server's node, e.g. `--cpu-prof` (which NODE_OPTIONS does not accept) to see where time goes. */
export async function startWebServer(settings: {
  databaseUrl: string;
  redisUrl: string;
  nodeArgs?: string[];
}): Promise<WebServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [...(settings.nodeArgs ?? []), nextBin, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: webDir,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: settings.databaseUrl,
        REDIS_URL: settings.redisUrl,
        SESSION_SECRET: randomBytes(32).toString("hex"),
        // Limit orders never reach a broker: nothing listens here, and nothing needs to.
        BROKER_URL: "http://127.0.0.1:9",
        RECEIVER_URL: "http://127.0.0.1:9",
      },
    },
  );
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split("\n").filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const server: WebServer = {
    url,
    pid: child.pid,
    output: () => lines.join("\n"),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${server.output()}`);
    const healthy = await fetch(`${url}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return server;
    await sleep(250);
  }
  await server.stop();
  throw new Error(`next start did not answer ${url}/api/health within 120 s:\n${server.output()}`);
}

/** Signs in through `auth.login` as the login form does; returns the `Cookie` header value a browser would then send. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/trpc/auth.login?batch=1`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ 0: { email, password } }),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0]!)
    .find((pair) => pair.startsWith("meridian_session="));
  if (response.status !== 200 || !cookie)
    throw new Error(`sign-in as ${email} failed (${response.status}): ${await response.text()}`);
  return cookie;
}
