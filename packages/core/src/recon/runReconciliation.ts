// One reconciliation run for one broker: read both sides, compare, ingest the executions it is safe to ingest, record
// every mismatch. Nothing else changes: every other fix waits for an operator (decide.ts).
import type { Prisma, PrismaClient, ReconItemStatus } from "@meridian/db";
import { ZExecutionWebhook } from "../broker/wire";
import { storeExecution } from "../receiver/storeExecution";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import { compare, fingerprintOf, type Comparison, type Finding } from "./compare";
import { getReconRun, type ReconRunView } from "./queries";
import { readBothSides } from "./readBothSides";

/** Who records automatic decisions (auto-ingest, superseding). */
export const RECON_ACTOR = "reconciliation";

export interface StartRun {
  brokerId: string;
  since: Date;
  triggeredBy: string;
}

export interface ReconRunRow {
  id: string;
  brokerId: string;
  windowStart: Date;
  startedAt: Date;
}

export function startRun(prisma: PrismaClient | Prisma.TransactionClient, run: StartRun): Promise<ReconRunRow> {
  return prisma.reconRun.create({
    data: { brokerId: run.brokerId, windowStart: run.since, windowEnd: new Date(), triggeredBy: run.triggeredBy },
    select: { id: true, brokerId: true, windowStart: true, startedAt: true },
  });
}

/** Compares and records; a broker that cannot be read leaves the run with its error, never a half-written report. */
export async function executeRun(
  services: CoreServices,
  run: ReconRunRow,
  options: { graceMs?: number; signal?: AbortSignal } = {},
): Promise<ReconRunView> {
  const logger = services.logger.child({ recon: run.id, brokerId: run.brokerId });
  try {
    const input = await readBothSides({
      prisma: services.prisma,
      broker: services.brokers.get(run.brokerId),
      since: run.windowStart,
      // RECON_GRACE_MS: how long an execution may take to arrive by webhook before its absence counts as a mismatch.
      graceMs: options.graceMs ?? services.config.recon.graceMs,
      signal: options.signal,
    });
    const comparison = compare(input);
    const decided = await ingestMissingExecutions(services, run.brokerId, comparison.findings);
    await recordFindings(services.prisma, run, comparison, decided);
    const autoApplied = decided.filter((entry) => entry.status === "AUTO_APPLIED").length;
    if (decided.length)
      logger.info(
        { mismatches: decided.length, autoApplied, inFlight: comparison.inFlight.length },
        "reconciliation found mismatches",
      );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.warn({ err: message }, "reconciliation run failed");
    await services.prisma.reconRun.update({
      where: { id: run.id },
      data: { finishedAt: new Date(), error: message.slice(0, 1000) },
    });
  }
  return getReconRun(services.prisma, run.id);
}

interface DecidedFinding {
  finding: Finding;
  status: ReconItemStatus;
  ingest: { receiptId: string; duplicate: boolean } | { refused: string } | null;
}

/**
 * The one automatic repair: an execution the broker reports and we never received, on an order it completes exactly,
 * goes through the receiver's own path (receipt + outbox → ledger). The unique (broker, execId) and the ledger's inbox
 * keep it exactly-once against the webhook arriving late, and against a second run.
 */
async function ingestMissingExecutions(
  services: CoreServices,
  brokerId: string,
  findings: Finding[],
): Promise<DecidedFinding[]> {
  const decided: DecidedFinding[] = [];
  for (const finding of findings) {
    if (finding.proposedFix !== "INGEST_EXECUTION") {
      decided.push({ finding, status: "PROPOSED", ingest: null });
      continue;
    }
    const parsed = ZExecutionWebhook.safeParse(finding.brokerExecution);
    if (!parsed.success) {
      decided.push({
        finding: { ...finding, proposedFix: "ACKNOWLEDGE" },
        status: "PROPOSED",
        ingest: {
          refused: `the broker's execution is malformed: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
        },
      });
      continue;
    }
    try {
      const stored = await storeExecution(services.prisma, brokerId, parsed.data);
      decided.push({
        finding,
        status: "AUTO_APPLIED",
        ingest: stored.stored
          ? { receiptId: stored.receiptId, duplicate: false }
          : { receiptId: stored.duplicateOf, duplicate: true },
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      decided.push({
        finding: { ...finding, proposedFix: "ACKNOWLEDGE" },
        status: "PROPOSED",
        ingest: { refused: error.message },
      });
    }
  }
  return decided;
}

async function recordFindings(
  prisma: PrismaClient,
  run: ReconRunRow,
  comparison: Comparison,
  decided: DecidedFinding[],
): Promise<void> {
  const now = new Date();
  const carryFrom = comparison.inFlight.length
    ? new Date(Math.min(...comparison.inFlight.map((entry) => entry.createdAt.getTime())))
    : null;
  await prisma.$transaction(async (tx) => {
    const created = new Map<string, string>();
    for (const { finding, status, ingest } of decided) {
      const fingerprint = fingerprintOf(finding);
      const detail = {
        summary: finding.summary,
        ours: finding.ours,
        broker: finding.broker,
        execution: finding.execution,
        ingest,
      } as unknown as Prisma.InputJsonValue;
      const item = await tx.reconItem.create({
        data: {
          runId: run.id,
          brokerId: run.brokerId,
          mismatchClass: finding.mismatchClass,
          orderId: finding.orderId,
          clientOrderId: finding.clientOrderId,
          execId: finding.execId,
          fingerprint,
          detail,
          proposedFix: finding.proposedFix,
          status,
          ...(status === "AUTO_APPLIED" ? { decidedBy: RECON_ACTOR, decidedAt: now } : {}),
        },
        select: { id: true },
      });
      created.set(fingerprint, item.id);
    }
    // One open proposal per live mismatch: an older proposal on an order this run compared is carried by this run's
    // item (found again) or closed as gone (not found). An operator deciding it meanwhile wins the version CAS.
    const older = await tx.reconItem.findMany({
      where: {
        brokerId: run.brokerId,
        status: "PROPOSED",
        clientOrderId: { in: comparison.compared },
        run: { startedAt: { lt: run.startedAt } },
      },
      select: { id: true, version: true, fingerprint: true },
    });
    for (const item of older) {
      const newer = created.get(item.fingerprint);
      await tx.reconItem.updateMany({
        where: { id: item.id, version: item.version, status: "PROPOSED" },
        data: {
          status: "SUPERSEDED",
          decidedBy: RECON_ACTOR,
          decidedAt: now,
          reason: newer ? `found again by run ${run.id} (item ${newer})` : `no longer found by run ${run.id}`,
          version: { increment: 1 },
        },
      });
    }
    await tx.reconRun.update({
      where: { id: run.id },
      data: {
        finishedAt: now,
        ordersCompared: comparison.compared.length,
        ordersInFlight: comparison.inFlight.length,
        carryFrom,
        mismatches: decided.length,
        autoApplied: decided.filter((entry) => entry.status === "AUTO_APPLIED").length,
      },
    });
  });
}
