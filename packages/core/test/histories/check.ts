// What must hold once a history has settled: the invariants the worker checks in production (balances, holds,
// filled = booked, closed orders hold nothing, every trade booked), scoped to the history's account and orders; every
// order agreeing with the broker's record of it; nothing left owed on the transport; no step meeting an error it
// should not have. Each broken promise is one line of the failure report.
import { findViolations } from "../../src/invariants/checks";
import { TERMINAL_STATUSES } from "../../src/orders/status";
import { dec } from "../../src/shared/money";
import { databaseTimeAgo, describeViolation } from "../../src/invariants/fullCheck";
import { statusDisagreement } from "../../src/invariants/statusAgreement";
import { OPENING_BALANCES, owedRows, type World } from "./world";

export async function checkSettled(world: World): Promise<string[]> {
  const problems = world.unexpected.map((error) => `unexpected error: ${error}`);
  problems.push(...(await ledgerViolations(world)));
  problems.push(...(await statusDisagreements(world)));
  problems.push(...(await unbookedExecutions(world)));
  problems.push(...(await feePointsAcrossTheBoundary(world)));
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

/**
 * The points service's books against ours, across the network: every branch's end acknowledged; what the account
 * still has (free + held) is its opening balance less what its closed orders spent; what the service holds is what
 * the open orders reserved (held + spent so far: spending reaches the service with the Confirm when an order closes).
 */
async function feePointsAcrossTheBoundary(world: World): Promise<string[]> {
  const problems: string[] = [];
  const unsettled = await world.prisma.tccBranch.findMany({
    where: { orderId: { in: world.orders }, state: { notIn: ["TRIED", "CONFIRMED", "CANCELLED"] } },
  });
  for (const branch of unsettled)
    problems.push(
      `fee points branch of #${world.orders.indexOf(branch.orderId!)} is ${branch.state}: ${branch.lastError}`,
    );
  const orders = await world.prisma.order.findMany({
    where: { id: { in: world.orders } },
    select: { status: true, heldPoints: true, pointsUsed: true },
  });
  const closed = (order: { status: string }) => TERMINAL_STATUSES.includes(order.status as never);
  const spent = orders.filter(closed).reduce((sum, order) => sum.plus(order.pointsUsed), dec(0));
  const reserved = orders
    .filter((order) => !closed(order))
    .reduce((sum, order) => sum.plus(order.heldPoints).plus(order.pointsUsed), dec(0));
  const opening = dec(OPENING_BALANCES[world.funding].points);
  const balance = await world.services.points.balance(world.account.accountNo);
  const total = dec(balance.available).plus(balance.held);
  if (!total.equals(opening.minus(spent)))
    problems.push(`points service: ${total.toString()} points, but ${opening.toString()} − ${spent.toString()} spent`);
  if (!dec(balance.held).equals(reserved))
    problems.push(`points service holds ${balance.held}, open orders reserve ${reserved.toString()}`);
  return problems;
}
