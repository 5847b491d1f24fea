import { signWebhook, verifyWebhook } from "@meridian/core/broker";
import { describe, expect, it } from "vitest";

const secret = "s3cret";
const now = 1_800_000_000_000;
const rawBody = JSON.stringify({ execId: "ATL-X1", quantity: "10", price: "187.25" });
const signed = (overrides: Partial<Parameters<typeof verifyWebhook>[0]> = {}) =>
  verifyWebhook({
    secret,
    timestamp: String(now),
    signature: signWebhook(secret, now, rawBody),
    rawBody,
    nowMs: now,
    ...overrides,
  });

describe("webhook signature", () => {
  it("accepts the exact signed request, within the tolerance either side", () => {
    expect(signWebhook(secret, now, rawBody)).toMatch(/^[0-9a-f]{64}$/);
    expect(signed()).toEqual({ ok: true });
    expect(signed({ nowMs: now + 299_000 })).toEqual({ ok: true });
    expect(signed({ nowMs: now - 299_000 })).toEqual({ ok: true });
    expect(signed({ rawBody: Buffer.from(rawBody) })).toEqual({ ok: true });
  });

  it("rejects a tampered body", () => {
    expect(signed({ rawBody: rawBody.replace("187.25", "1.25") })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/mismatch/),
    });
  });

  it("rejects a signature made with another secret", () => {
    expect(signed({ secret: "other" })).toMatchObject({ ok: false });
  });

  it("rejects stale and future timestamps, even when correctly signed", () => {
    const old = now - 301_000;
    const stale = verifyWebhook({
      secret,
      timestamp: String(old),
      signature: signWebhook(secret, old, rawBody),
      rawBody,
      nowMs: now,
    });
    expect(stale).toMatchObject({ ok: false, reason: expect.stringMatching(/old/) });
    const ahead = now + 301_000;
    const future = verifyWebhook({
      secret,
      timestamp: String(ahead),
      signature: signWebhook(secret, ahead, rawBody),
      rawBody,
      nowMs: now,
    });
    expect(future).toMatchObject({ ok: false, reason: expect.stringMatching(/future/) });
    expect(signed({ nowMs: now + 1000, toleranceMs: 500 })).toMatchObject({ ok: false });
  });

  it("rejects a timestamp moved after signing (it is inside the MAC)", () => {
    expect(signed({ timestamp: String(now + 1) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/mismatch/),
    });
  });

  it("rejects missing headers, bad hex and a non-numeric timestamp", () => {
    expect(signed({ timestamp: undefined })).toMatchObject({ ok: false, reason: expect.stringMatching(/timestamp/) });
    expect(signed({ signature: null })).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
    expect(signed({ signature: "zz".repeat(32) })).toMatchObject({ ok: false, reason: expect.stringMatching(/hex/) });
    expect(signed({ signature: "abcd" })).toMatchObject({ ok: false });
    expect(signed({ timestamp: "yesterday" })).toMatchObject({ ok: false });
    expect(signed({ secret: "" })).toMatchObject({ ok: false });
  });
});
