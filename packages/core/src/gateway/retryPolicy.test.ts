import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/load";
import { backoffDelayMs } from "./retryPolicy";

/** The retry policy the configuration gives for `env` (SUBMIT_RETRY_PROFILE and its overrides). */
const retryPolicyFrom = (env: Record<string, string>) => loadConfig(env).retry;

describe("retry policy", () => {
  it("production waits up to 1, 2, 4, 8 minutes; the jitter never exceeds the ceiling", () => {
    const policy = retryPolicyFrom({ SUBMIT_RETRY_PROFILE: "production" });
    expect([1, 2, 3, 4].map((attempt) => backoffDelayMs(policy, attempt, () => 1))).toEqual([
      60_000, 120_000, 240_000, 480_000,
    ]);
    expect(backoffDelayMs(policy, 9, () => 1)).toBe(480_000);
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(0);
  });

  it("refuses an unknown profile by name", () => {
    expect(() => retryPolicyFrom({ SUBMIT_RETRY_PROFILE: "fast" })).toThrow(/demo, production/);
  });

  it("takes overrides as whole numbers and refuses anything else by name", () => {
    expect(retryPolicyFrom({ SUBMIT_LATE_ARRIVAL_MS: "4000", SUBMIT_MAX_ATTEMPTS: "3" })).toMatchObject({
      lateArrivalMs: 4000,
      maxAttempts: 3,
    });
    expect(() => retryPolicyFrom({ SUBMIT_LATE_ARRIVAL_MS: "soon" })).toThrow(
      /SUBMIT_LATE_ARRIVAL_MS must be a positive whole number \(milliseconds\), got "soon"/,
    );
    expect(() => retryPolicyFrom({ SUBMIT_MAX_ATTEMPTS: "0" })).toThrow(/SUBMIT_MAX_ATTEMPTS/);
    expect(() => retryPolicyFrom({ SUBMIT_RETRY_BASE_MS: "-5" })).toThrow(/SUBMIT_RETRY_BASE_MS/);
  });
});
