// The console's Brokers page: each partner with its capabilities, the symbols routed to it, its recent call metrics
// and (for the simulators) its fault switches.
import type { CoreServices } from "../services";
import { brokerCallStats } from "./callLog";

export async function brokerOverview({
  ctx,
}: {
  ctx: { services: Pick<CoreServices, "prisma" | "brokers" | "simulator"> };
}) {
  const { prisma, brokers, simulator } = ctx.services;
  const stats = await brokerCallStats(prisma);
  const routing = brokers.routing;
  return Promise.all(
    brokers.all().map(async (broker) => ({
      brokerId: broker.brokerId,
      capabilities: broker.capabilities,
      isDefault: routing.defaultBrokerId === broker.brokerId,
      symbols: Object.entries(routing.bySymbol)
        .filter(([, brokerId]) => brokerId === broker.brokerId)
        .map(([symbol]) => symbol),
      calls: stats.find((row) => row.brokerId === broker.brokerId) ?? {
        brokerId: broker.brokerId,
        inFlight: 0,
        calls: 0,
        errorRate: 0,
        p50Ms: null,
        p99Ms: null,
      },
      faults: await simulator.faults(broker.brokerId),
    })),
  );
}
