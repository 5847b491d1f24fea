// The simulated brokers' fault switches as they cross the wire. The simulator's control API validates a change with
// ZBrokerFaultsPatch and answers BrokerFaults; the operator console's SimulatorControl reads that answer with the same
// schema, so the two cannot drift apart. A real partner has no such API: these exist because the brokers are
// simulators.
import { z } from "zod";
import { CAPACITY_CONCURRENT_MAX, CAPACITY_TPS_MAX, FAULT_DELAY_MAX_MS } from "./faultDefaults";

const ZRate = z.number().min(0).max(1);
const ZDelayMs = z.number().min(0).max(FAULT_DELAY_MAX_MS);

export const ZBrokerFaults = z.object({
  /** Added to every partner answer. */
  latencyMs: ZDelayMs,
  /** Plus a random 0 to this. */
  latencyJitterMs: ZDelayMs,
  /** Process a submit/cancel but never answer it. */
  dropResponseRate: ZRate,
  /** Answer 503 before processing. */
  errorRate: ZRate,
  /** Business-reject an otherwise valid new order. */
  rejectRate: ZRate,
  /** Deliver an execution webhook twice. */
  duplicateExecutionRate: ZRate,
  /** Hold an order's executions and deliver them newest first once the order is done. */
  reorderExecutions: z.boolean(),
  /** Hold every webhook delivery until unpaused. */
  pauseExecutions: z.boolean(),
  /** Every API call answers 503. */
  down: z.boolean(),
  /**
   * Order calls per second the broker promises; 0 = unlimited. Above it the broker answers later, above twice it
   * sheds with 503 OVER_CAPACITY.
   */
  capacityTps: z.number().int().min(0).max(CAPACITY_TPS_MAX),
  /** Order calls the broker bears at once; 0 = unlimited. Over it, as over capacityTps. */
  capacityConcurrent: z.number().int().min(0).max(CAPACITY_CONCURRENT_MAX),
});
export type BrokerFaults = z.infer<typeof ZBrokerFaults>;

/** A change to some switches. All-or-nothing: one out-of-range field refuses the whole change; unknown fields too. */
export const ZBrokerFaultsPatch = ZBrokerFaults.partial().strict();
export type BrokerFaultsPatch = z.infer<typeof ZBrokerFaultsPatch>;

export { CAPACITY_CONCURRENT_MAX, CAPACITY_TPS_MAX, FAULT_DELAY_MAX_MS, NO_FAULTS } from "./faultDefaults";
