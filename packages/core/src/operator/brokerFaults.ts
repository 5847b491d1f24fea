// An operator flips a simulated broker's fault switches (to rehearse a failure) with a reason. The simulator owns
// the switches, so the change is made there first and audited only once it took: a refused change leaves no row.
import { recordAudit } from "../audit/audit";
import { SIMULATED_FX_DESK } from "../broker/simulatorControl";
import type { BrokerFaults } from "../broker/wire";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import type { TSetBrokerFaultsInput } from "./brokerFaults.schema";

export interface SetBrokerFaultsRequest {
  ctx: { services: Pick<CoreServices, "prisma" | "brokers" | "simulator">; actor: string };
  input: TSetBrokerFaultsInput;
}

export async function setBrokerFaults({ ctx, input }: SetBrokerFaultsRequest): Promise<BrokerFaults> {
  // An unknown partner is refused before the simulator is asked; the FX desk is a partner beside the brokers.
  const partners = [...ctx.services.brokers.all().map((broker) => broker.brokerId), SIMULATED_FX_DESK];
  if (!partners.includes(input.brokerId))
    throw new DomainError(
      "NOT_FOUND",
      `There is no partner "${input.brokerId}". Pick one of ${partners.join(", ")} on the Brokers page.`,
      "brokerId",
    );
  const faults = await ctx.services.simulator.setFaults(input.brokerId, input.faults).catch((error: Error) => {
    throw new DomainError("BAD_REQUEST", `${error.message} Nothing was changed.`);
  });
  await ctx.services.prisma.$transaction((tx) =>
    recordAudit(tx, {
      actor: ctx.actor,
      action: "broker.faults",
      targetType: "broker",
      targetId: input.brokerId,
      reason: input.reason,
      detail: input.faults,
    }),
  );
  return faults;
}
