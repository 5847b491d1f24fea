// The vocabulary of a generated order history and its generators. A step names an order by its slot (the n-th order
// placed, modulo how many exist), so that removing steps while shrinking still leaves a history that runs.
import fc from "fast-check";
import type { BrokerDecision, BrokerProfile, CallFault } from "../modelBroker";

/** Orders per history: enough for two orders to interleave on one account, few enough to read a failure. */
export const MAX_ORDERS = 3;

export type OperatorAction = "RETRY" | "REJECT" | "CANCEL" | "CONFIRM_PENDING" | "CANCEL_PENDING";

export type Step =
  | {
      kind: "place";
      symbol: "AAPL" | "MSFT";
      side: "BUY" | "SELL";
      type: "LIMIT" | "MARKET";
      quantity: number;
      limitOffsetCents: number;
      payFeeWithPoints: boolean;
      broker: BrokerDecision;
    }
  /** The gateway handles the order's oldest pending command; `crashBeforeMark`: it worked, but the row stays owed. */
  | { kind: "deliverCommand"; slot: number; faults: CallFault[]; crashBeforeMark: boolean }
  /**
   * The broker executes part (or all) of the order, if it is open there: at or better than its limit by the offset,
   * or (a negative offset) worse than its limit, as a broker that errs may.
   */
  | { kind: "brokerFill"; slot: number; quantity: number; priceOffsetCents: number }
  /** The broker's webhook delivers one of its executions (any of them: reordered), maybe twice. */
  | { kind: "deliverExecution"; pick: number; copies: 1 | 2 }
  /** The ledger applies the order's oldest stored execution; `crashBeforeMark`: it worked, but the row stays owed. */
  | { kind: "applyExecution"; slot: number; crashBeforeMark: boolean }
  /** The ledger applies every order's oldest stored execution in one batch (one transaction, one lock). */
  | { kind: "applyExecutionBatch"; crashBeforeMark: boolean }
  /** The answer to a slow broker call reaches its waiting handler. */
  | { kind: "answerArrives"; pick: number }
  /** A request we gave up on reaches the broker. */
  | { kind: "lateArrival"; pick: number }
  | { kind: "customerCancel"; slot: number }
  | { kind: "sweep"; sweep: "retries" | "revive" | "expireReservations" }
  | { kind: "operator"; slot: number; action: OperatorAction; faults: CallFault[] }
  /** Two minutes pass: past the late-arrival window and the retry backoff, a fifth of a reservation's deadline. */
  | { kind: "timePasses" };

export type Funding = "ample" | "tight";

export interface History {
  broker: BrokerProfile;
  /** Ample: nothing ever runs short. Tight: some orders are refused, and a fill above its hold can leave a debit. */
  funding: Funding;
  /** At the end, whether requests still on the wire arrive before the window closes, or are lost. */
  lateArrivesAtEnd: boolean;
  /**
   * What the operators do at the end with an order the gateway gave up on: retry it, or mark it rejected (retry if
   * refused).
   */
  attentionPolicy: "retry" | "reject";
  steps: Step[];
}

const slot = fc.nat({ max: MAX_ORDERS - 1 });
/** True about one time in five. */
const rarely = fc.nat({ max: 4 }).map((draw) => draw === 0);

const gatewayFault: fc.Arbitrary<CallFault> = fc.oneof(
  { weight: 8, arbitrary: fc.constant("none" as const) },
  { weight: 3, arbitrary: fc.constant("drop" as const) },
  { weight: 3, arbitrary: fc.constant("serverError" as const) },
  { weight: 3, arbitrary: fc.constant("late" as const) },
  { weight: 2, arbitrary: fc.constant("crash" as const) },
  { weight: 2, arbitrary: fc.constant("crashAfterAct" as const) },
  { weight: 4, arbitrary: fc.constant("slow" as const) },
);

// An operator's request that dies ends its transaction with it; a hung call inside an open transaction is not a
// failure a console request can have, so operator calls only time out or fail.
const operatorFault: fc.Arbitrary<CallFault> = fc.constantFrom("none", "none", "none", "drop", "serverError");

export const placeStep: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant("place" as const),
  symbol: fc.constantFrom("AAPL" as const, "MSFT" as const),
  side: fc.constantFrom("BUY" as const, "SELL" as const),
  type: fc.constantFrom("LIMIT" as const, "MARKET" as const),
  quantity: fc.integer({ min: 1, max: 5 }),
  limitOffsetCents: fc.integer({ min: -300, max: 300 }),
  payFeeWithPoints: fc.boolean(),
  broker: fc.constantFrom<BrokerDecision>("accept", "accept", "accept", "reject"),
});

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: placeStep },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant("deliverCommand" as const),
      slot,
      faults: fc.array(gatewayFault, { maxLength: 3 }),
      crashBeforeMark: rarely,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("brokerFill" as const),
      slot,
      quantity: fc.integer({ min: 1, max: 5 }),
      priceOffsetCents: fc.integer({ min: -60, max: 300 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("deliverExecution" as const),
      pick: fc.nat({ max: 9 }),
      copies: fc.constantFrom(1 as const, 1 as const, 2 as const),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("applyExecution" as const), slot, crashBeforeMark: rarely }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("applyExecutionBatch" as const), crashBeforeMark: rarely }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("lateArrival" as const), pick: fc.nat({ max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("answerArrives" as const), pick: fc.nat({ max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("customerCancel" as const), slot }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("sweep" as const),
      sweep: fc.constantFrom(
        "retries" as const,
        "retries" as const,
        "revive" as const,
        "revive" as const,
        "expireReservations" as const,
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("operator" as const),
      slot,
      action: fc.constantFrom<OperatorAction>("RETRY", "REJECT", "CANCEL", "CONFIRM_PENDING", "CANCEL_PENDING"),
      faults: fc.array(operatorFault, { maxLength: 1 }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: "timePasses" as const }) },
);

// atlas can be asked by our id, harbor only through its daily report; a broker with neither is rarer. A broker that
// neither says its status when a cancel comes too late nor can be asked leaves the gateway nothing to read the answer
// by; the simulated brokers always say it, so only a broker with a lookup is generated without it.
const brokerProfile: fc.Arbitrary<BrokerProfile> = fc
  .record({
    lookup: fc.constantFrom(
      "lookup" as const,
      "lookup" as const,
      "report" as const,
      "report" as const,
      "none" as const,
    ),
    tooLateSaysStatus: fc.boolean(),
  })
  .map((profile) => (profile.lookup === "lookup" ? profile : { ...profile, tooLateSaysStatus: true }));

/** A history opens with one to three orders, then up to 27 further steps, any of which shrinking may remove. */
export const historyArbitrary: fc.Arbitrary<History> = fc.record({
  broker: brokerProfile,
  funding: fc.constantFrom<Funding>("ample", "ample", "tight"),
  lateArrivesAtEnd: fc.boolean(),
  attentionPolicy: fc.constantFrom("retry" as const, "reject" as const),
  steps: fc
    .tuple(fc.array(placeStep, { minLength: 1, maxLength: MAX_ORDERS }), fc.array(step, { maxLength: 27, size: "max" }))
    .map(([opening, rest]) => [...opening, ...rest]),
});
