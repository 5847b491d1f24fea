// The fault switches' resting values and limits, kept free of zod and of node built-ins so that the operator console's
// browser bundle can import them (through @meridian/core/client) without pulling in the schema library.
import type { BrokerFaults } from "./faultSwitches";

/** The largest latency or jitter a switch accepts. */
export const FAULT_DELAY_MAX_MS = 60_000;

/** The largest promised TPS a broker can be given: far above anything this system sends. */
export const CAPACITY_TPS_MAX = 100_000;

/** The largest number of concurrent calls a broker can be said to bear. */
export const CAPACITY_CONCURRENT_MAX = 10_000;

/** Every switch off: what a simulated broker starts with, what "reset" returns to, what "clear all" sends. */
export const NO_FAULTS: Readonly<BrokerFaults> = Object.freeze({
  latencyMs: 0,
  latencyJitterMs: 0,
  dropResponseRate: 0,
  errorRate: 0,
  rejectRate: 0,
  duplicateExecutionRate: 0,
  reorderExecutions: false,
  pauseExecutions: false,
  down: false,
  capacityTps: 0,
  capacityConcurrent: 0,
});
