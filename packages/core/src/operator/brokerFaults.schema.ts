// Input of admin.brokers.setFaults: some of a simulated broker's fault switches, and why.
import { z } from "zod";
import { ZAuditReason } from "../audit/reason";
import { ZBrokerFaultsPatch } from "../broker/wire";

export const ZSetBrokerFaultsInput = z.object({
  brokerId: z.string().min(1).max(32),
  faults: ZBrokerFaultsPatch,
  reason: ZAuditReason,
});
export type TSetBrokerFaultsInput = z.infer<typeof ZSetBrokerFaultsInput>;
