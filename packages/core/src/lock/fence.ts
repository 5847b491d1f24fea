// Kleppmann's fencing: every locked write first stores its grant's token on the account row; a holder whose lease
// expired (and whose successor already wrote a larger token) is refused here, inside its own transaction.
import { Prisma, type Tx } from "@meridian/db";
import { LockLostError } from "../shared/errors";
import type { LockGrant } from "./port";

/** Who is writing and why: recorded with every row change by the history triggers. */
export interface Writer {
  actor: string;
  cause: string;
}

/**
 * Stores the grant's token on the account row, refusing a stale holder. Given a writer, the same statement also names
 * it for the history triggers (set_config, local to the transaction), so a locked transaction opens in one round trip.
 * The accounts table keeps no history, so it does not matter that its own update runs beside the naming.
 */
export async function fenceAccount(tx: Tx, grant: LockGrant, writer?: Writer): Promise<void> {
  grant.assertHeld();
  const [row] = await tx.$queryRaw<{ fenced: bigint }[]>`
    WITH fenced AS (
      UPDATE accounts SET fencing_token = ${grant.fencingToken}
       WHERE id = ${grant.accountId}::uuid AND fencing_token <= ${grant.fencingToken}
      RETURNING 1)
    SELECT (SELECT count(*) FROM fenced) AS fenced${
      writer
        ? Prisma.sql`,
           set_config('meridian.actor', ${writer.actor}, true),
           set_config('meridian.cause', ${writer.cause.slice(0, 500)}, true)`
        : Prisma.empty
    }`;
  if (Number(row?.fenced) !== 1)
    throw new LockLostError(grant.accountId, "a newer lock holder has already written to this account");
}
