// How passwords are stored and checked. New hashes are scrypt (RFC 7914) from node:crypto with the parameters below,
// written self-describing, `scrypt$N$r$p$<salt b64>$<key b64>`, so a later change of parameters still verifies the
// hashes already stored and `needsRehash` tells the login to upgrade them. bcrypt hashes from before scrypt are still
// verified (bcryptjs) and replaced on the next successful sign-in.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";
import bcrypt from "bcryptjs";

/** OWASP's Password Storage Cheat Sheet minimum for scrypt is N=2^17; 2^15 keeps a sign-in near 100 ms here. */
export const SCRYPT_PARAMETERS = { N: 2 ** 15, r: 8, p: 1, keyLength: 64, saltLength: 16 } as const;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** scrypt needs 128·N·r bytes (32 MiB at N=2^15, r=8): Node's default maxmem of 32 MiB is just short of it. */
function maxmemFor(N: number, r: number): number {
  return 128 * N * r * 2;
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength, saltLength } = SCRYPT_PARAMETERS;
  const salt = randomBytes(saltLength);
  const key = await scrypt(password, salt, keyLength, { N, r, p, maxmem: maxmemFor(N, r) });
  return ["scrypt", N, r, p, salt.toString("base64"), key.toString("base64")].join("$");
}

interface ScryptHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function readScryptHash(stored: string): ScryptHash | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return null;
  return { N, r, p, salt: Buffer.from(parts[4]!, "base64"), key: Buffer.from(parts[5]!, "base64") };
}

const isBcrypt = (stored: string) => /^\$2[aby]\$\d{2}\$/.test(stored);

/** Whether `password` matches `stored` (scrypt or legacy bcrypt); an unreadable hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (isBcrypt(stored)) return bcrypt.compare(password, stored);
  const hash = readScryptHash(stored);
  if (!hash || hash.key.length === 0) return false;
  const key = await scrypt(password, hash.salt, hash.key.length, {
    N: hash.N,
    r: hash.r,
    p: hash.p,
    maxmem: maxmemFor(hash.N, hash.r),
  });
  // Constant time: how many leading bytes matched must not show in how long the comparison took.
  return timingSafeEqual(key, hash.key);
}

/** A hash that is not scrypt with today's parameters: replace it while the password is at hand (a sign-in). */
export function needsRehash(stored: string): boolean {
  const hash = readScryptHash(stored);
  const { N, r, p, keyLength, saltLength } = SCRYPT_PARAMETERS;
  return (
    !hash ||
    hash.N !== N ||
    hash.r !== r ||
    hash.p !== p ||
    hash.key.length !== keyLength ||
    hash.salt.length !== saltLength
  );
}
