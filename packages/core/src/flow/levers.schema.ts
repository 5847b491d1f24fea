// Inputs of the operator's flow-control levers: force a broker's breaker, release it, set its calls per second.
import { z } from "zod";
import { ZAuditReason } from "../audit/reason";

const ZBrokerId = z.string().min(1).max(32);

export const ZForceBreakerInput = z.object({
  brokerId: ZBrokerId,
  state: z.enum(["open", "closed"]),
  reason: ZAuditReason,
});
export type TForceBreakerInput = z.infer<typeof ZForceBreakerInput>;

export const ZReleaseBreakerInput = z.object({ brokerId: ZBrokerId, reason: ZAuditReason });
export type TReleaseBreakerInput = z.infer<typeof ZReleaseBreakerInput>;

/** null returns the broker to its configured BROKER_TPS. */
export const ZSetBrokerTpsInput = z.object({
  brokerId: ZBrokerId,
  tps: z
    .number()
    .int("Calls per second must be a whole number.")
    .min(0, "Calls per second cannot be negative (0 means no limit).")
    .max(100_000, "Calls per second above 100,000 is not a limit; use 0 for none.")
    .nullable(),
  reason: ZAuditReason,
});
export type TSetBrokerTpsInput = z.infer<typeof ZSetBrokerTpsInput>;
