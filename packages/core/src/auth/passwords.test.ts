import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, SCRYPT_PARAMETERS, verifyPassword } from "./passwords";

describe("password hashes", () => {
  it("are scrypt N=2^15, r=8, p=1 with a 16-byte salt and a 64-byte key, written self-describing", async () => {
    const stored = await hashPassword("correct horse battery staple");
    const [scheme, N, r, p, salt, key] = stored.split("$");
    expect({ scheme, N, r, p }).toEqual({ scheme: "scrypt", N: "32768", r: "8", p: "1" });
    expect(Buffer.from(salt!, "base64")).toHaveLength(16);
    expect(Buffer.from(key!, "base64")).toHaveLength(64);
    expect(SCRYPT_PARAMETERS).toMatchObject({ N: 32768, r: 8, p: 1, keyLength: 64, saltLength: 16 });
    expect(needsRehash(stored)).toBe(false);
  });

  it("verify the password they were made from, and no other", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("are salted: the same password hashes differently each time", async () => {
    expect(await hashPassword("same password twice")).not.toBe(await hashPassword("same password twice"));
  });

  it("verify with the parameters written in the hash, and ask to be upgraded when those are not today's", async () => {
    const stored = await hashPassword("old parameters here");
    const key = stored.split("$")[5]!;
    // Re-derive with N=2^10 by hand: what an older Meridian would have stored.
    const { scryptSync } = await import("node:crypto");
    const salt = Buffer.alloc(16, 7);
    const older = [
      "scrypt",
      1024,
      8,
      1,
      salt.toString("base64"),
      scryptSync("old parameters here", salt, 64, { N: 1024 }).toString("base64"),
    ].join("$");
    expect(await verifyPassword("old parameters here", older)).toBe(true);
    expect(needsRehash(older)).toBe(true);
    expect(key).not.toBe(older.split("$")[5]);
  });

  it("never match when tampered with or unreadable", async () => {
    const stored = await hashPassword("tamper with me please");
    const parts = stored.split("$");
    const key = Buffer.from(parts[5]!, "base64");
    key[0] = key[0]! ^ 1;
    parts[5] = key.toString("base64");
    expect(await verifyPassword("tamper with me please", parts.join("$"))).toBe(false);
    expect(await verifyPassword("x", "not a hash")).toBe(false);
    expect(await verifyPassword("x", "scrypt$0$8$1$AAAA$AAAA")).toBe(false);
    expect(needsRehash("not a hash")).toBe(true);
  });

  it("from before scrypt (bcrypt) still verify, and ask to be upgraded", async () => {
    const legacy = await bcrypt.hash("meridian-demo", 4);
    expect(await verifyPassword("meridian-demo", legacy)).toBe(true);
    expect(await verifyPassword("meridian-dem0", legacy)).toBe(false);
    expect(needsRehash(legacy)).toBe(true);
  });
});
