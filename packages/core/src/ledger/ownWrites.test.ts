import { describe, expect, it } from "vitest";
import type { Tx } from "@meridian/db";
import { forgetOwnWrites, readOwnWrite, rememberWrite } from "./ownWrites";

describe("ownWrites: the rows a transaction wrote", () => {
  it("answers from the memo until a rollback to a savepoint makes the transaction forget, then reads again", async () => {
    const tx = {} as Tx; // the memo only keys on the transaction's identity
    const fromDatabase = { version: 1 };
    const read = async () => fromDatabase;
    rememberWrite(tx, "cash:a", { version: 2 });
    expect(await readOwnWrite(tx, "cash:a", read)).toEqual({ version: 2 });

    forgetOwnWrites(tx);
    expect(await readOwnWrite(tx, "cash:a", read)).toBe(fromDatabase);
  });
});
