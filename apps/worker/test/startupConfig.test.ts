// A wrong setting stops each process at start, naming the setting and what is allowed, before it touches a database
// or opens a port.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

function start(entry: string, env: Record<string, string>, args: string[] = []) {
  const { PATH, HOME } = process.env;
  return spawnSync(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: repoRoot,
    env: { PATH, HOME, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("a wrong setting at start", () => {
  it("stops the worker with the setting's name and what is allowed", () => {
    const worker = start("apps/worker/src/main.ts", {
      DATABASE_URL: "postgresql://postgres@127.0.0.1:9/none",
      TCC_DEADLINE_MS: "10m",
      COMMISSION_RATE: "0.1%",
    });
    expect(worker.status).toBe(1);
    expect(worker.stderr).toContain('TCC_DEADLINE_MS must be a positive whole number (milliseconds), got "10m"');
    expect(worker.stderr).toContain("COMMISSION_RATE must be a decimal fraction from 0 up to 1");
  });

  it("stops a worker asked for the gateway of a broker we have no contract with, naming the known brokers", () => {
    const database = { DATABASE_URL: "postgresql://postgres@127.0.0.1:9/none" };
    const byEnvironment = start("apps/worker/src/main.ts", { ...database, WORKER_ROLES: "receiver,gateway:nowhere" });
    expect(byEnvironment.status).toBe(1);
    expect(byEnvironment.stderr).toContain(
      'WORKER_ROLES names unknown broker "nowhere" in "gateway:nowhere" (known: atlas, harbor), got "receiver,gateway:nowhere"',
    );
    const byFlag = start("apps/worker/src/main.ts", database, ["--roles", "gateway:atlas,gateway:nowhere"]);
    expect(byFlag.status).toBe(1);
    expect(byFlag.stderr).toContain(
      '--roles names unknown broker "nowhere" in "gateway:nowhere" (known: atlas, harbor), got "gateway:atlas,gateway:nowhere"',
    );
  });

  it("stops the broker simulator the same way", () => {
    const broker = start("apps/broker/src/main.ts", { BROKER_FILL_DELAY_MS: "fast" });
    expect(broker.status).toBe(1);
    expect(broker.stderr).toContain('BROKER_FILL_DELAY_MS must be "min,max" in milliseconds');
  });
});
