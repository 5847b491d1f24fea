import { describe, expect, it } from "vitest";
import { sleep } from "./sleep";

describe("sleep", () => {
  it("resolves after the time", async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("resolves, never rejects, as soon as the signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const slept = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(new Error("stop")), 10);
    await expect(slept).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("resolves at once when the signal is already aborted", async () => {
    const started = Date.now();
    await sleep(10_000, AbortSignal.abort());
    expect(Date.now() - started).toBeLessThan(100);
  });
});
