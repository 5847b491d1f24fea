import { describe, expect, it } from "vitest";
import { lockoutMs, memoryLoginThrottle } from "./loginThrottle";

const settings = { maxFailuresPerEmail: 5, maxFailuresPerAddress: 50, lockoutBaseMs: 60_000, lockoutMaxMs: 3_600_000 };

describe("login lockouts", () => {
  it("start at a minute and double up to an hour", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => lockoutMs(n, settings) / 60_000)).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
  });

  it("are whole seconds, at least one (Redis expiry is in seconds)", () => {
    expect(lockoutMs(1, { lockoutBaseMs: 1500, lockoutMaxMs: 10_000 })).toBe(2000);
    expect(lockoutMs(1, { lockoutBaseMs: 10, lockoutMaxMs: 10 })).toBe(1000);
  });

  it("lock an email after 5 failures in a row; a success before that starts the count again", async () => {
    const throttle = memoryLoginThrottle(settings);
    const keys = { email: "alice@demo.meridian", address: null };
    for (let i = 0; i < 4; i++) expect(await throttle.recordFailure(keys)).toBe(0);
    await throttle.recordSuccess(keys);
    for (let i = 0; i < 4; i++) expect(await throttle.recordFailure(keys)).toBe(0);
    expect(await throttle.lockedForMs(keys)).toBe(0);
    expect(await throttle.recordFailure(keys)).toBe(60_000);
    expect(await throttle.lockedForMs(keys)).toBeGreaterThan(59_000);
    expect(await throttle.lockedForMs({ email: "bob@demo.meridian", address: null })).toBe(0);
  });
});
