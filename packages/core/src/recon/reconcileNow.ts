// The console's "run reconciliation now": one broker or all, over the trading day or from a given time.
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import type { ReconRunView } from "./queries";
import type { TReconRunInput } from "./recon.schema";
import { executeRun, startRun } from "./runReconciliation";
import { startOfTradingDay } from "./schedule";

/** How far back an on-demand window may reach: brokers keep their daily reports for a limited time. */
export const MAX_WINDOW_DAYS = 31;

export interface ReconcileNowRequest {
  ctx: { services: CoreServices; actor: string };
  input: TReconRunInput;
  /** Tests and tools may shorten the webhook grace; the console uses RECON_GRACE_MS. */
  graceMs?: number;
}

export async function reconcileNow({ ctx, input, graceMs }: ReconcileNowRequest): Promise<ReconRunView[]> {
  const now = new Date();
  const since = input.since ? new Date(input.since) : startOfTradingDay(now);
  if (since > now) throw new DomainError("BAD_REQUEST", "The window cannot start in the future.", "since");
  if (now.getTime() - since.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
    throw new DomainError("BAD_REQUEST", `The window can reach back at most ${MAX_WINDOW_DAYS} days.`, "since");
  }
  const brokers = ctx.services.brokers.all();
  const chosen = input.brokerId ? brokers.filter((broker) => broker.brokerId === input.brokerId) : brokers;
  if (input.brokerId && chosen.length === 0) {
    throw new DomainError(
      "BAD_REQUEST",
      `There is no broker "${input.brokerId}" (known: ${brokers.map((broker) => broker.brokerId).join(", ")}).`,
      "brokerId",
    );
  }
  const runs: ReconRunView[] = [];
  for (const broker of chosen) {
    const run = await startRun(ctx.services.prisma, { brokerId: broker.brokerId, since, triggeredBy: ctx.actor });
    runs.push(await executeRun(ctx.services, run, { graceMs }));
  }
  return runs;
}
