// What must hold once a history has settled: the invariants the worker checks in production (balances, holds,
// filled = booked, closed orders hold nothing, every trade booked), scoped to the history's account and orders; every
// order agreeing with the broker's record of it; nothing left owed on the transport; no step meeting an error it
// should not have. Each broken promise is one line of the failure report.
import { findViolations } from "../../src/invariants/checks";
import { databaseTimeAgo, describeViolation } from "../../src/invariants/fullCheck";
import { statusDisagreement } from "../../src/invariants/statusAgreement";
import { owedRows, type World } from "./world";

export async function checkSettled(world: World): Promise<string[]> {
  const problems = world.unexpected.map((error) => `unexpected error: ${error}`);
  problems.push(...(await ledgerViolations(world)));
  problems.push(...(await statusDisagreements(world)));
  problems.push(...(await unbookedExecutions(world)));
  for (const row of await owedRows(world)) {
    problems.push(
      `${row.topic} row ${row.eventType} for order #${world.orders.indexOf(row.key)} is still owed (${world.rowErrors.get(row.id) ?? "never delivered"})`,
    );
  }
  return problems;
}

async function ledgerViolations(world: World): Promise<string[]> {
  // Executions received up to now count: after draining, none may still wait for the ledger.
  const receiptCutoff = await databaseTimeAgo(world.prisma, 0);
  const violations = await findViolations(
    world.prisma,
    { accountIds: [world.account.id], orderIds: world.orders },
    { receiptCutoff },
  );
  return violations.map(describeViolation);
}

async function statusDisagreements(world: World): Promise<string[]> {
  const orders = await world.prisma.order.findMany({
    where: { id: { in: world.orders } },
    select: { id: true, status: true, filledQuantity: true },
  });
  return orders.flatMap((order) => {
    const disagreement = statusDisagreement(order, world.broker.record(order.id));
    return disagreement ? [`#${world.orders.indexOf(order.id)} ${disagreement.message}`] : [];
  });
}

/** Every execution the broker made has a receipt here that a ledger entry books. */
async function unbookedExecutions(world: World): Promise<string[]> {
  const execIds = world.broker.executions.map((execution) => execution.execId);
  if (!execIds.length) return [];
  const booked = await world.prisma.$queryRaw<{ exec_id: string }[]>`
    SELECT r.exec_id FROM execution_receipts r
     WHERE r.broker_id = ${world.broker.brokerId} AND r.exec_id = ANY(${execIds})
       AND EXISTS (SELECT 1 FROM ledger_entries e WHERE e.execution_id = r.id)`;
  const bookedIds = new Set(booked.map((row) => row.exec_id));
  return world.broker.executions
    .filter((execution) => !bookedIds.has(execution.execId))
    .map(
      (execution) =>
        `broker execution ${execution.execId} (${execution.quantity} @ ${execution.price} for #${world.orders.indexOf(execution.clientOrderId)}) is not booked`,
    );
}
