// The comparison at the heart of reconciliation (대사), free of I/O: one broker's report against our orders and
// execution receipts, giving one finding per mismatch with the fix it is safe to propose. Orders still moving (a
// submit, cancel, webhook or ledger step in flight) are left out and named, so a run never reports a race as a break.
import type { OrderStatus, ReconFix, ReconMismatchClass } from "@meridian/db";
import type { BrokerExecution, BrokerOrderStatus, BrokerOrderView } from "../broker/port";
import { isTerminal } from "../orders/status";
import { dec, qty, ZERO, type Decimal } from "../shared/money";

export interface OurReceipt {
  id: string;
  execId: string;
  quantity: Decimal;
  price: Decimal;
  /** The ledger has consumed it (applied or refused): its inbox row exists. */
  consumed: boolean;
}

export interface OurOrder {
  id: string;
  brokerId: string;
  symbol: string;
  side: "BUY" | "SELL";
  quantity: Decimal;
  status: OrderStatus;
  filledQuantity: Decimal;
  submitAttempts: number;
  brokerOrderId: string | null;
  createdAt: Date;
  updatedAt: Date;
  receipts: OurReceipt[];
}

export interface ComparisonInput {
  brokerId: string;
  /** The broker's records: its report for the window plus its records of our in-window orders. */
  brokerOrders: BrokerOrderView[];
  /** Our orders for the window, and every order of ours the broker's records name. */
  ourOrders: OurOrder[];
  /** When the broker's report was requested: an order of ours changed after it is compared next time. */
  reportRequestedAt: Date;
  now: Date;
  /** How long an execution may take to reach us by webhook before its absence is a mismatch. */
  graceMs: number;
}

/** Plain JSON (decimals as strings, dates as ISO) as stored in recon_items.detail and shown on the console. */
export interface OurSide {
  orderId: string;
  brokerId: string;
  symbol: string;
  side: "BUY" | "SELL";
  quantity: string;
  status: OrderStatus;
  filledQuantity: string;
  submitAttempts: number;
  brokerOrderId: string | null;
  receipts: number;
}

export interface BrokerSide {
  brokerOrderId: string;
  symbol: string;
  side: "BUY" | "SELL";
  quantity: string;
  status: BrokerOrderStatus;
  filledQuantity: string;
  executions: number;
  createdAt: string;
}

export interface ExecutionSide {
  execId: string;
  /** The broker's figures (absent when only we hold the execution). */
  quantity: string | null;
  price: string | null;
  executedAt: string | null;
  /** Our receipt's figures, when we have one. */
  receiptId: string | null;
  ourQuantity: string | null;
  ourPrice: string | null;
}

export interface Finding {
  mismatchClass: ReconMismatchClass;
  clientOrderId: string;
  orderId: string | null;
  execId: string | null;
  proposedFix: ReconFix;
  summary: string;
  ours: OurSide | null;
  broker: BrokerSide | null;
  execution: ExecutionSide | null;
  /** The broker's execution itself, for INGEST_EXECUTION. */
  brokerExecution: BrokerExecution | null;
}

export interface InFlight {
  clientOrderId: string;
  reason: string;
  /** The earliest creation time on either side: where the next scheduled window must reach back to. */
  createdAt: Date;
}

export interface Comparison {
  findings: Finding[];
  /** Client order ids compared in full (in-flight ones excluded). */
  compared: string[];
  inFlight: InFlight[];
}

/** Our order's states while the gateway still owns the outcome: retries and lookups settle them, not reconciliation. */
const GATEWAY_OWNED: ReadonlySet<OrderStatus> = new Set(["PENDING_NEW", "SUBMITTING", "UNKNOWN"]);
const BROKER_OPEN: ReadonlySet<BrokerOrderStatus> = new Set(["NEW", "PARTIALLY_FILLED"]);
const BROKER_CLOSED_UNFILLED: ReadonlySet<BrokerOrderStatus> = new Set(["CANCELLED", "REJECTED", "EXPIRED"]);

export function fingerprintOf(finding: Pick<Finding, "mismatchClass" | "clientOrderId" | "execId">): string {
  return `${finding.mismatchClass}:${finding.clientOrderId}:${finding.execId ?? "-"}`;
}

export function compare(input: ComparisonInput): Comparison {
  const ours = new Map(input.ourOrders.map((order) => [order.id, order]));
  const theirs = new Map(input.brokerOrders.map((order) => [order.clientOrderId, order]));
  const result: Comparison = { findings: [], compared: [], inFlight: [] };
  for (const clientOrderId of new Set([...theirs.keys(), ...ours.keys()])) {
    const order = ours.get(clientOrderId) ?? null;
    const brokerOrder = theirs.get(clientOrderId) ?? null;
    const reason = inFlightReason(input, order, brokerOrder);
    if (reason) {
      const times = [order?.createdAt, brokerOrder ? new Date(brokerOrder.createdAt) : undefined].filter(
        (time): time is Date => !!time && !Number.isNaN(time.getTime()),
      );
      result.inFlight.push({
        clientOrderId,
        reason,
        createdAt: new Date(Math.min(...times.map((time) => time.getTime()))),
      });
      continue;
    }
    result.compared.push(clientOrderId);
    result.findings.push(...compareOrder(input.brokerId, clientOrderId, order, brokerOrder));
  }
  return result;
}

function inFlightReason(
  input: ComparisonInput,
  order: OurOrder | null,
  brokerOrder: BrokerOrderView | null,
): string | null {
  if (!order || order.brokerId !== input.brokerId) return null;
  // Our side was read after the report; an order that moved in between is compared by the next run.
  if (order.updatedAt >= input.reportRequestedAt) return "our order changed while the broker's report was read";
  if (GATEWAY_OWNED.has(order.status)) return `the gateway still owns it (${order.status})`;
  if (order.status === "PENDING_CANCEL" && order.updatedAt.getTime() > input.now.getTime() - input.graceMs)
    return "a cancel is in flight";
  if (order.receipts.some((receipt) => !receipt.consumed)) return "the ledger has not consumed every execution yet";
  if (brokerOrder) {
    const known = new Set(order.receipts.map((receipt) => receipt.execId));
    const recent = brokerOrder.executions.some(
      (execution) =>
        !known.has(execution.execId) && Date.parse(execution.executedAt) > input.now.getTime() - input.graceMs,
    );
    if (recent) return "an execution webhook may still be on its way";
  }
  return null;
}

function compareOrder(
  brokerId: string,
  clientOrderId: string,
  order: OurOrder | null,
  brokerOrder: BrokerOrderView | null,
): Finding[] {
  const ours = order ? ourSide(order) : null;
  const broker = brokerOrder ? brokerSide(brokerOrder) : null;
  const finding = (
    mismatchClass: ReconMismatchClass,
    proposedFix: ReconFix,
    summary: string,
    extra: Partial<Finding> = {},
  ): Finding => ({
    mismatchClass,
    clientOrderId,
    orderId: order?.id ?? null,
    execId: null,
    proposedFix,
    summary,
    ours,
    broker,
    execution: null,
    brokerExecution: null,
    ...extra,
  });

  if (!order) {
    const b = brokerOrder!;
    return [
      finding(
        "MISSING_HERE",
        "ACKNOWLEDGE",
        `${brokerId} has order ${b.brokerOrderId} (${b.side} ${b.quantity} ${b.symbol}, ${b.status}, ${b.filledQuantity} filled) under a client order id we do not know`,
      ),
    ];
  }
  if (order.brokerId !== brokerId) {
    return [
      finding(
        "MISSING_HERE",
        "ACKNOWLEDGE",
        `${brokerId} has our order ${order.id}, which we routed to ${order.brokerId}`,
      ),
    ];
  }
  if (!brokerOrder) {
    if (order.submitAttempts === 0) return []; // never sent: the broker cannot have it
    if (isTerminal(order.status) && order.filledQuantity.isZero()) return []; // closed on our side, nothing traded
    const closable = !isTerminal(order.status) && order.filledQuantity.isZero();
    const fix: ReconFix = !closable
      ? "ACKNOWLEDGE"
      : order.status === "PENDING_CANCEL"
        ? "CLOSE_CANCELLED"
        : "CLOSE_REJECTED";
    return [
      finding(
        "MISSING_AT_BROKER",
        fix,
        `we have order ${order.id} as ${order.status} with ${qty(order.filledQuantity)} filled after ${order.submitAttempts} submit attempt(s); ${brokerId} has no such order`,
      ),
    ];
  }

  const b = brokerOrder;
  const brokerFilled = dec(b.filledQuantity);
  if (isTerminal(order.status) && order.submitAttempts === 0) {
    if (BROKER_CLOSED_UNFILLED.has(b.status) && brokerFilled.isZero()) return [];
    return [
      finding(
        "MISSING_HERE",
        "ACKNOWLEDGE",
        `we closed order ${order.id} as ${order.status} without sending it; ${brokerId} has it as ${b.brokerOrderId}, ${b.status} with ${b.filledQuantity} filled`,
      ),
    ];
  }

  const findings: Finding[] = [];
  const receipts = new Map(order.receipts.map((receipt) => [receipt.execId, receipt]));
  const missing: BrokerExecution[] = [];
  for (const execution of b.executions) {
    const receipt = receipts.get(execution.execId);
    if (!receipt) {
      missing.push(execution);
      continue;
    }
    const side = executionSide(execution, receipt);
    if (!dec(execution.price).equals(receipt.price)) {
      findings.push(
        finding(
          "PRICE",
          "ACKNOWLEDGE",
          `execution ${execution.execId}: ${brokerId} says ${execution.quantity} @ ${execution.price}, our receipt says ${qty(receipt.quantity)} @ ${receipt.price.toFixed(2)}`,
          { execId: execution.execId, execution: side },
        ),
      );
    }
    if (!dec(execution.quantity).equals(receipt.quantity)) {
      findings.push(
        finding(
          "QUANTITY",
          "ACKNOWLEDGE",
          `execution ${execution.execId}: ${brokerId} says ${execution.quantity} shares, our receipt says ${qty(receipt.quantity)}`,
          { execId: execution.execId, execution: side },
        ),
      );
    }
  }
  const reported = new Set(b.executions.map((execution) => execution.execId));
  for (const receipt of order.receipts.filter((candidate) => !reported.has(candidate.execId))) {
    findings.push(
      finding(
        "MISSING_AT_BROKER",
        "ACKNOWLEDGE",
        `we hold execution ${receipt.execId} (${qty(receipt.quantity)} @ ${receipt.price.toFixed(2)}) that ${brokerId} does not report`,
        { execId: receipt.execId, execution: executionSide(null, receipt) },
      ),
    );
  }

  const missingQuantity = missing.reduce((sum, execution) => sum.plus(dec(execution.quantity)), ZERO);
  const quantitiesAgree = order.filledQuantity.equals(brokerFilled);
  // The only difference is executions we never received: ingesting them makes both sides agree exactly.
  const explainedByMissing =
    !quantitiesAgree && missing.length > 0 && order.filledQuantity.plus(missingQuantity).equals(brokerFilled);
  // A closed order takes them too: the ledger books a trade the broker made as a late fill (orders/fills.ts).
  const ingestible =
    explainedByMissing &&
    brokerFilled.lessThanOrEqualTo(order.quantity) &&
    b.symbol === order.symbol &&
    b.side === order.side &&
    missing.every(
      (execution) =>
        execution.clientOrderId === order.id && execution.symbol === order.symbol && execution.side === order.side,
    );
  for (const execution of missing) {
    const why = ingestible
      ? isTerminal(order.status)
        ? ` (booked as a late fill: we had closed the order as ${order.status})`
        : ""
      : explainedByMissing
        ? ` (not ingested automatically: it does not match our order's terms)`
        : " (not ingested automatically: it does not reconcile the filled quantities)";
    findings.push(
      finding(
        "MISSING_EXECUTION",
        ingestible ? "INGEST_EXECUTION" : "ACKNOWLEDGE",
        `${brokerId} reports execution ${execution.execId} (${execution.quantity} @ ${execution.price}) we have no receipt for${why}`,
        {
          execId: execution.execId,
          execution: executionSide(execution, null),
          brokerExecution: execution,
        },
      ),
    );
  }
  if (!quantitiesAgree && !explainedByMissing) {
    // A status fix is never safe while the fills disagree; the quantity break is the one to settle.
    findings.push(
      finding(
        "QUANTITY",
        "ACKNOWLEDGE",
        `${brokerId} has ${b.filledQuantity} filled, we have ${qty(order.filledQuantity)}${missing.length ? ` (${qty(missingQuantity)} of it in executions we never received)` : ""}`,
      ),
    );
    return findings;
  }

  // Judge the status as it will be once the ingested executions reach the ledger.
  const projected: OrderStatus = ingestible ? projectedStatus(order, brokerFilled) : order.status;
  const status = compareStatus(projected, b.status, { unfilled: brokerFilled.isZero(), fixable: quantitiesAgree });
  if (status)
    findings.push(
      finding("STATUS", status.fix, `${brokerId} has it ${b.status}, we have it ${order.status}: ${status.why}`),
    );
  return findings;
}

/** Our status once the ingested executions are booked: a closed order stays closed unless they complete it. */
function projectedStatus(order: OurOrder, brokerFilled: Decimal): OrderStatus {
  if (brokerFilled.equals(order.quantity)) return "FILLED";
  if (isTerminal(order.status) || order.status === "PENDING_CANCEL") return order.status;
  return "PARTIALLY_FILLED";
}

function compareStatus(
  ours: OrderStatus,
  theirs: BrokerOrderStatus,
  facts: { unfilled: boolean; fixable: boolean },
): { fix: ReconFix; why: string } | null {
  const fixOr = (fix: ReconFix) => (facts.fixable ? fix : "ACKNOWLEDGE");
  const open = !isTerminal(ours);
  if (BROKER_OPEN.has(theirs)) {
    if (ours === "ACCEPTED" || ours === "PARTIALLY_FILLED" || ours === "PENDING_CANCEL") return null;
    if (ours === "NEEDS_ATTENTION")
      return { fix: fixOr("MARK_ACCEPTED"), why: "the broker is working the order, so it was accepted" };
    return { fix: "ACKNOWLEDGE", why: "the broker is still working an order we closed; cancel it at the broker" };
  }
  if (theirs === "FILLED") {
    if (ours === "FILLED") return null;
    return {
      fix: "ACKNOWLEDGE",
      why: open ? "every fill is booked but our order did not close" : "the broker filled an order we closed",
    };
  }
  if (theirs === "CANCELLED" || theirs === "EXPIRED") {
    if (ours === "CANCELLED" || ours === "EXPIRED" || ours === "REJECTED") return null;
    if (ours === "FILLED")
      return { fix: "ACKNOWLEDGE", why: "we booked the order as filled, the broker closed it unfilled" };
    return { fix: fixOr("CLOSE_CANCELLED"), why: "the broker closed it, so nothing more will fill" };
  }
  // REJECTED at the broker
  if (ours === "REJECTED" || ours === "CANCELLED" || ours === "EXPIRED") return null;
  if (open && facts.unfilled)
    return { fix: fixOr("CLOSE_REJECTED"), why: "the broker refused it, so it will never fill" };
  return { fix: "ACKNOWLEDGE", why: "the broker refused an order we booked fills for" };
}

function ourSide(order: OurOrder): OurSide {
  return {
    orderId: order.id,
    brokerId: order.brokerId,
    symbol: order.symbol,
    side: order.side,
    quantity: qty(order.quantity),
    status: order.status,
    filledQuantity: qty(order.filledQuantity),
    submitAttempts: order.submitAttempts,
    brokerOrderId: order.brokerOrderId,
    receipts: order.receipts.length,
  };
}

function brokerSide(order: BrokerOrderView): BrokerSide {
  return {
    brokerOrderId: order.brokerOrderId,
    symbol: order.symbol,
    side: order.side,
    quantity: order.quantity,
    status: order.status,
    filledQuantity: order.filledQuantity,
    executions: order.executions.length,
    createdAt: order.createdAt,
  };
}

function executionSide(execution: BrokerExecution | null, receipt: OurReceipt | null): ExecutionSide {
  return {
    execId: execution?.execId ?? receipt!.execId,
    quantity: execution?.quantity ?? null,
    price: execution?.price ?? null,
    executedAt: execution?.executedAt ?? null,
    receiptId: receipt?.id ?? null,
    ourQuantity: receipt ? qty(receipt.quantity) : null,
    ourPrice: receipt ? receipt.price.toFixed(2) : null,
  };
}
