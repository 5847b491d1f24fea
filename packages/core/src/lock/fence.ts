// Kleppmann's fencing: every locked write first stores its grant's token on the account row; a holder whose lease
// expired (and whose successor already wrote a larger token) is refused here, inside its own transaction.
import type { Tx } from "@meridian/db";
import { LockLostError } from "../shared/errors";
import type { LockGrant } from "./port";

export async function fenceAccount(tx: Tx, grant: LockGrant): Promise<void> {
  grant.assertHeld();
  const updated = await tx.$executeRaw`
    UPDATE accounts SET fencing_token = ${grant.fencingToken}
     WHERE id = ${grant.accountId}::uuid AND fencing_token <= ${grant.fencingToken}`;
  if (updated !== 1)
    throw new LockLostError(grant.accountId, "a newer lock holder has already written to this account");
}
