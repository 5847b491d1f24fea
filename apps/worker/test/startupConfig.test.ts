// A wrong setting stops each process at start, naming the setting and what is allowed, before it touches a database
// or opens a port.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

function start(entry: string, env: Record<string, string>) {
  const { PATH, HOME } = process.env;
  return spawnSync(process.execPath, ["--import", "tsx", entry], {
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

  it("stops the broker simulator the same way", () => {
    const broker = start("apps/broker/src/main.ts", { BROKER_FILL_DELAY_MS: "fast" });
    expect(broker.status).toBe(1);
    expect(broker.stderr).toContain('BROKER_FILL_DELAY_MS must be "min,max" in milliseconds');
  });
});
