// The shape of every write to an account's money or shares: take the account lock, open one transaction, name the
// writer for the change history and fence the transaction with the lock's token (one statement), do the work, and
// check the lease is still ours right before commit.
import type { Tx } from "@meridian/db";
import { fenceAccount, type Writer } from "./fence";
import type { CoreServices } from "../services";
import { retryOnConflict } from "../shared/retry";

export type { Writer } from "./fence";

export function inAccountTransaction<T>(
  services: Pick<CoreServices, "prisma" | "lock">,
  accountId: string,
  writer: Writer,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return retryOnConflict(() =>
    services.lock.withAccountLock(accountId, (grant) =>
      services.prisma.$transaction(
        async (tx) => {
          await fenceAccount(tx, grant, writer);
          const result = await work(tx);
          grant.assertHeld();
          return result;
        },
        { timeout: 15_000, maxWait: 10_000 },
      ),
    ),
  );
}

/**
 * Names another writer for the rest of the transaction (the fence statement named the first): for work that runs
 * several callers' changes in one transaction, so that the change history still says whose change each row was.
 */
export async function nameWriter(tx: Tx, writer: Writer): Promise<void> {
  await tx.$queryRaw`
    SELECT set_config('meridian.actor', ${writer.actor}, true),
           set_config('meridian.cause', ${writer.cause.slice(0, 500)}, true)`;
}
