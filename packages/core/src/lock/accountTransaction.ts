// The shape of every write to an account's money or shares: take the account lock, open one transaction, name the
// writer for the change history, fence the transaction with the lock's token, do the work, and check the lease is
// still ours right before commit.
import type { Tx } from "@meridian/db";
import { fenceAccount } from "./fence";
import type { CoreServices } from "../services";
import { retryOnConflict } from "../shared/retry";

/** Who is writing and why: recorded with every row change by the history triggers. */
export interface Writer {
  actor: string;
  cause: string;
}

export async function nameWriter(tx: Tx, writer: Writer): Promise<void> {
  await tx.$executeRaw`SELECT set_config('meridian.actor', ${writer.actor}, true), set_config('meridian.cause', ${writer.cause.slice(0, 500)}, true)`;
}

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
          await nameWriter(tx, writer);
          await fenceAccount(tx, grant);
          const result = await work(tx);
          grant.assertHeld();
          return result;
        },
        { timeout: 15_000, maxWait: 10_000 },
      ),
    ),
  );
}
