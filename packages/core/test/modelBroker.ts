// A partner broker for the model-based test (orderHistories.test.ts). It behaves as the simulated broker does
// (apps/broker): submit is idempotent by our order id and a repeat says where the order stands now; cancel answers
// CANCELLED with the final filled quantity, TOO_LATE (with the broker's status) or NOT_FOUND; lookup and the daily
// report show its record. It is the deterministic in-process form of that behaviour: nothing happens on a timer or by
// chance. Every accept, reject, fill, lost answer, 5xx, late arrival and dead worker happens at the step of the
// generated history that asks for it, so a failing history replays exactly. It does not reuse apps/broker's classes:
// core never depends on an app, and the simulator's matching runs on timers and random numbers.
import {
  BrokerUnavailableError,
  type BrokerAdapter,
  type BrokerCapabilities,
  type BrokerExecution,
  type BrokerOrderRequest,
  type BrokerOrderStatus,
  type BrokerOrderView,
  type CancelResult,
  type Quote,
  type SubmitResult,
} from "../src/broker/port";
import { INSTRUMENTS } from "../src/market/instruments";

/** What happens to one call the gateway (or an operator action) makes. */
export type CallFault =
  /** Answered. */
  | "none"
  /** The broker acts; its answer is lost: the caller sees a timeout. */
  | "drop"
  /** A 5xx: the broker did nothing. */
  | "serverError"
  /** The caller times out now; the request reaches the broker at a later step (arriveLate), or never. */
  | "late"
  /** The worker dies during the call: the call never returns, and the request is on the wire as for "late". */
  | "crash"
  /** The broker acts, and the worker dies before it reads the answer. */
  | "crashAfterAct"
  /**
   * The broker acts now; its answer reaches the caller at a later step (answerSlowCall), or as a timeout when time
   * passes first. Meanwhile other steps run: this is how an answer meets an order that moved on.
   */
  | "slow";

/** Why a call did not return within its step. */
export type Parked = "hung" | "slow";

/**
 * How the broker can be asked about an order: lookup by our id (atlas), its daily report only (harbor), or not at all.
 */
export type LookupMode = "lookup" | "report" | "none";

export interface BrokerProfile {
  lookup: LookupMode;
  /** Whether a TOO_LATE cancel answer says the broker's status (the simulator's does; an older wire may not). */
  tooLateSaysStatus: boolean;
}

export type BrokerDecision = "accept" | "reject";

interface BrokerRecord {
  request: BrokerOrderRequest;
  brokerOrderId: string;
  status: BrokerOrderStatus;
  filled: number;
  executions: BrokerExecution[];
  createdAt: Date;
  firstAnswer: SubmitResult;
}

type LateRequest = { kind: "submit"; request: BrokerOrderRequest } | { kind: "cancel"; clientOrderId: string };

const OPEN: ReadonlySet<BrokerOrderStatus> = new Set(["NEW", "PARTIALLY_FILLED"]);
/** Every symbol trades at 100.00 except one, so orders of different sizes meet. */
export const PRICE_CENTS: Readonly<Record<string, number>> = Object.fromEntries(
  INSTRUMENTS.map((instrument) => [instrument.symbol, instrument.symbol === "MSFT" ? 25_000 : 10_000]),
);

export class ModelBroker implements BrokerAdapter {
  readonly brokerId: string;
  readonly capabilities: BrokerCapabilities;
  /** The broker's daily report; absent for a broker that offers none. */
  readonly listOrdersSince?: (since: Date) => Promise<BrokerOrderView[]>;
  /** Every execution the broker made, in the order it made them (the webhook may deliver them in any order). */
  readonly executions: BrokerExecution[] = [];
  readonly lateRequests: LateRequest[] = [];
  calls = 0;
  private readonly records = new Map<string, BrokerRecord>();
  private readonly decisions = new Map<string, BrokerDecision>();
  private faults: CallFault[] = [];
  private parkListeners: ((why: Parked) => void)[] = [];
  private readonly slowCalls: { clientOrderId: string; release: (timedOut: boolean) => void }[] = [];
  private sequence = 0;

  /** `tag` makes execution and broker order ids unique across histories that share one database. */
  constructor(
    readonly profile: BrokerProfile,
    private readonly tag: string,
  ) {
    this.brokerId = profile.lookup === "lookup" ? "atlas" : "harbor";
    this.capabilities = { lookupByClientOrderId: profile.lookup === "lookup" };
    if (profile.lookup !== "none") this.listOrdersSince = (since) => this.answerRead(() => this.report(since));
  }

  /** Whether the broker will accept or reject `clientOrderId` when it first arrives (accept unless told). */
  decide(clientOrderId: string, decision: BrokerDecision): void {
    this.decisions.set(clientOrderId, decision);
  }

  /** The faults of the next calls, in call order; calls past the list are answered. */
  setFaults(faults: readonly CallFault[]): void {
    this.faults = [...faults];
  }

  /** Resolves when a call next hangs (its worker died) or goes slow: the step stops waiting for the handler then. */
  whenParked(): Promise<Parked> {
    return new Promise((resolve) => this.parkListeners.push(resolve));
  }

  endStep(): void {
    this.faults = [];
    this.parkListeners = [];
  }

  /** The delayed answer to the slow call about `clientOrderId` arrives, or (timedOut) the caller gives up on it. */
  releaseSlowCall(clientOrderId: string, timedOut: boolean): void {
    const index = this.slowCalls.findIndex((call) => call.clientOrderId === clientOrderId);
    if (index >= 0) this.slowCalls.splice(index, 1)[0]!.release(timedOut);
  }

  async submitOrder(request: BrokerOrderRequest): Promise<SubmitResult> {
    return this.answer(
      request.clientOrderId,
      () => this.actSubmit(request),
      () => this.lateRequests.push({ kind: "submit", request }),
    );
  }

  async cancelOrder(clientOrderId: string): Promise<CancelResult> {
    return this.answer(
      clientOrderId,
      () => this.actCancel(clientOrderId),
      () => this.lateRequests.push({ kind: "cancel", clientOrderId }),
    );
  }

  async lookupOrder(clientOrderId: string): Promise<BrokerOrderView | null> {
    if (!this.capabilities.lookupByClientOrderId) throw new Error(`${this.brokerId} cannot look orders up`);
    return this.answerRead(() => this.view(clientOrderId), clientOrderId);
  }

  async getQuotes(): Promise<Quote[]> {
    return INSTRUMENTS.map(({ symbol, name }) => {
      const price = formatCents(PRICE_CENTS[symbol]!);
      return {
        symbol,
        name,
        bid: price,
        ask: price,
        last: price,
        previousClose: price,
        timestamp: new Date().toISOString(),
      };
    });
  }

  /** The broker fills `quantity` (at most what is left) of an open order at `priceCents`; null when it cannot. */
  fill(clientOrderId: string, quantity: number, priceCents: number): BrokerExecution | null {
    const record = this.records.get(clientOrderId);
    if (!record || !OPEN.has(record.status)) return null;
    const filledNow = Math.min(quantity, Number(record.request.quantity) - record.filled);
    const execution: BrokerExecution = {
      execId: `${this.tag}-X${++this.sequence}`,
      clientOrderId,
      brokerOrderId: record.brokerOrderId,
      symbol: record.request.symbol,
      side: record.request.side,
      quantity: String(filledNow),
      price: formatCents(Math.max(1, priceCents)),
      executedAt: new Date().toISOString(),
    };
    record.filled += filledNow;
    record.status = record.filled === Number(record.request.quantity) ? "FILLED" : "PARTIALLY_FILLED";
    record.executions.push(execution);
    this.executions.push(execution);
    return execution;
  }

  /** A request we gave up on reaches the broker now and takes effect; its answer goes nowhere. */
  arriveLate(index: number): void {
    const [late] = this.lateRequests.splice(index, 1);
    if (late?.kind === "submit") this.actSubmit(late.request);
    if (late?.kind === "cancel") this.actCancel(late.clientOrderId);
  }

  /**
   * The late-arrival window has passed: requests still on the wire are lost for good. The gateway relies on this
   * bound (gateway/lateArrival.ts); a model that delivered requests later would break an assumption, not find a bug.
   */
  loseLateRequests(): void {
    this.lateRequests.length = 0;
  }

  record(clientOrderId: string): { status: BrokerOrderStatus; filledQuantity: string } | null {
    const record = this.records.get(clientOrderId);
    return record ? { status: record.status, filledQuantity: String(record.filled) } : null;
  }

  /** A fingerprint of everything the broker knows, to tell whether a step changed anything. */
  state(): string {
    return JSON.stringify(
      [...this.records.values()]
        .map((record) => [record.request.clientOrderId, record.status, record.filled])
        .concat([[this.executions.length, this.lateRequests.length]]),
    );
  }

  private async answer<T>(clientOrderId: string, act: () => T, goLate: () => void): Promise<T> {
    this.calls++;
    const fault = this.faults.shift() ?? "none";
    switch (fault) {
      case "none":
        return act();
      case "drop":
        act();
        throw this.unavailable("TIMEOUT", "no answer within the timeout (the broker acted)");
      case "serverError":
        throw this.unavailable("SERVER_ERROR", "broker answered 503");
      case "late":
        goLate();
        throw this.unavailable("TIMEOUT", "no answer within the timeout (the request is still on its way)");
      case "crash":
        goLate();
        return this.hang();
      case "crashAfterAct":
        act();
        return this.hang();
      case "slow":
        return this.slow(clientOrderId, act());
    }
  }

  /** Reads change nothing at the broker: every fault is a timeout, a slow answer, or a worker that died waiting. */
  private async answerRead<T>(read: () => T, clientOrderId?: string): Promise<T> {
    this.calls++;
    const fault = this.faults.shift() ?? "none";
    if (fault === "none" || (fault === "slow" && !clientOrderId)) return read();
    if (fault === "slow") return this.slow(clientOrderId!, read());
    if (fault === "crash" || fault === "crashAfterAct") return this.hang();
    throw this.unavailable(fault === "serverError" ? "SERVER_ERROR" : "TIMEOUT", "lookup failed");
  }

  private hang(): Promise<never> {
    this.parked("hung");
    return new Promise<never>(() => {});
  }

  private slow<T>(clientOrderId: string, answer: T): Promise<T> {
    this.parked("slow");
    return new Promise<T>((resolve, reject) => {
      this.slowCalls.push({
        clientOrderId,
        release: (timedOut) =>
          timedOut
            ? reject(this.unavailable("TIMEOUT", "no answer within the timeout (the broker acted)"))
            : resolve(answer),
      });
    });
  }

  private parked(why: Parked): void {
    for (const listener of this.parkListeners) listener(why);
    this.parkListeners = [];
  }

  private unavailable(reason: "TIMEOUT" | "SERVER_ERROR", message: string): BrokerUnavailableError {
    return new BrokerUnavailableError(this.brokerId, reason, `${this.brokerId}: ${message}`);
  }

  private actSubmit(request: BrokerOrderRequest): SubmitResult {
    const existing = this.records.get(request.clientOrderId);
    if (existing) {
      const { firstAnswer } = existing;
      return firstAnswer.outcome === "ACCEPTED"
        ? { ...firstAnswer, status: existing.status, filledQuantity: String(existing.filled) }
        : firstAnswer;
    }
    const brokerOrderId = `${this.tag}-B${++this.sequence}`;
    const accepted = this.decisions.get(request.clientOrderId) !== "reject";
    const firstAnswer: SubmitResult = accepted
      ? { outcome: "ACCEPTED", brokerOrderId }
      : { outcome: "REJECTED", reason: "rejected by the model broker" };
    this.records.set(request.clientOrderId, {
      request,
      brokerOrderId,
      status: accepted ? "NEW" : "REJECTED",
      filled: 0,
      executions: [],
      createdAt: new Date(),
      firstAnswer,
    });
    return firstAnswer;
  }

  private actCancel(clientOrderId: string): CancelResult {
    const record = this.records.get(clientOrderId);
    if (!record) return { outcome: "NOT_FOUND" };
    const filledQuantity = String(record.filled);
    if (!OPEN.has(record.status)) {
      return {
        outcome: "TOO_LATE",
        reason: `order is ${record.status}`,
        filledQuantity,
        ...(this.profile.tooLateSaysStatus ? { status: record.status } : {}),
      };
    }
    record.status = "CANCELLED";
    return { outcome: "CANCELLED", brokerOrderId: record.brokerOrderId, filledQuantity };
  }

  private view(clientOrderId: string): BrokerOrderView | null {
    const record = this.records.get(clientOrderId);
    if (!record) return null;
    const { request } = record;
    return {
      clientOrderId,
      brokerOrderId: record.brokerOrderId,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      quantity: request.quantity,
      limitPrice: request.limitPrice ?? null,
      status: record.status,
      filledQuantity: String(record.filled),
      executions: [...record.executions],
      createdAt: record.createdAt.toISOString(),
    };
  }

  private report(since: Date): BrokerOrderView[] {
    return [...this.records.values()]
      .filter((record) => record.createdAt >= since)
      .map((record) => this.view(record.request.clientOrderId)!);
  }
}

export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}
