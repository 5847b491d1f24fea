// The operator's levers on a broker's flow control, each audited with who, when and why in the same transaction as
// the change: force the shared breaker open or closed (the forced state wins on every gateway until released), release
// it, set the calls per second every gateway may send. Gateways read the levers from broker_circuits within a second.
import { recordAudit } from "../audit/audit";
import type { CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import type { TForceBreakerInput, TReleaseBreakerInput, TSetBrokerTpsInput } from "./levers.schema";

interface LeverRequest<I> {
  ctx: { services: Pick<CoreServices, "prisma" | "brokers" | "fxDesk">; actor: string };
  input: I;
}

/** A partner behind flow control: a broker, or the FX desk, whose levers are a broker's. */
function knownBroker(services: Pick<CoreServices, "brokers" | "fxDesk">, brokerId: string): void {
  if (brokerId === services.fxDesk.partnerId) return;
  if (!services.brokers.all().some((broker) => broker.brokerId === brokerId))
    throw new DomainError("NOT_FOUND", `There is no broker "${brokerId}". Pick one from the Brokers page.`);
}

export async function forceBreaker({ ctx, input }: LeverRequest<TForceBreakerInput>): Promise<void> {
  knownBroker(ctx.services, input.brokerId);
  const forced = { forcedState: input.state, forcedBy: ctx.actor, forcedReason: input.reason, forcedAt: new Date() };
  await ctx.services.prisma.$transaction(async (tx) => {
    await tx.brokerCircuit.upsert({
      where: { brokerId: input.brokerId },
      create: { brokerId: input.brokerId, ...forced },
      update: forced,
    });
    await recordAudit(tx, {
      actor: ctx.actor,
      action: `broker.breaker.force-${input.state}`,
      targetType: "broker",
      targetId: input.brokerId,
      reason: input.reason,
    });
  });
}

export async function releaseBreaker({ ctx, input }: LeverRequest<TReleaseBreakerInput>): Promise<void> {
  knownBroker(ctx.services, input.brokerId);
  await ctx.services.prisma.$transaction(async (tx) => {
    const released = await tx.brokerCircuit.updateMany({
      where: { brokerId: input.brokerId, forcedState: { not: null } },
      data: { forcedState: null, forcedBy: null, forcedReason: null, forcedAt: null },
    });
    if (released.count === 0)
      throw new DomainError("CONFLICT", `${input.brokerId}'s breaker is not forced; there is nothing to release.`);
    await recordAudit(tx, {
      actor: ctx.actor,
      action: "broker.breaker.release",
      targetType: "broker",
      targetId: input.brokerId,
      reason: input.reason,
    });
  });
}

export async function setBrokerTps({ ctx, input }: LeverRequest<TSetBrokerTpsInput>): Promise<void> {
  knownBroker(ctx.services, input.brokerId);
  await ctx.services.prisma.$transaction(async (tx) => {
    await tx.brokerCircuit.upsert({
      where: { brokerId: input.brokerId },
      create: { brokerId: input.brokerId, tpsLimit: input.tps },
      update: { tpsLimit: input.tps },
    });
    await recordAudit(tx, {
      actor: ctx.actor,
      action: "broker.tps",
      targetType: "broker",
      targetId: input.brokerId,
      reason: input.reason,
      detail: { tps: input.tps },
    });
  });
}
