// Each broker's orders on their own command topic, with gateways per broker (WORKER_ROLES `gateway:<brokerId>`): a
// broker whose gateway is not running, or one that answers slowly, holds back only its own orders. Worker processes
// against the real simulator, polling the outbox and (with KAFKA_BROKERS set) on Kafka, where each broker's gateways
// are a consumer group of their own; default routing sends TSLA to harbor and AAPL, MSFT to atlas.
import type { ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AccountRef } from "@meridian/core";
import { describeKafka, kafkaBrokers } from "./kafkaSupport";
import { startSystem, stopProcess, waitUntil, type SystemOptions, type TestSystem } from "./system";

/** Resting limit buys far below the market: the broker accepts them and nothing fills. */
const resting = (symbol: string) => ({ symbol, side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "1.00" });

describe("a command pipeline per broker, polling", () => commandPipelinePerBroker({}));
describeKafka("a command pipeline per broker, on Kafka", () =>
  commandPipelinePerBroker({ kafka: { brokers: kafkaBrokers } }),
);

function commandPipelinePerBroker(transport: Pick<SystemOptions, "kafka">): void {
  let system: TestSystem;
  let alice: AccountRef;
  let workers: ChildProcess[] = [];

  const statusOf = async (orderId: string) =>
    (await system.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status;
  const acceptedCount = (orderIds: string[]) =>
    system.db.prisma.order.count({ where: { id: { in: orderIds }, status: "ACCEPTED" } });
  const ordersCreatedAt = async (brokerId: string) =>
    ((await (await system.broker(brokerId, "/stats")).json()) as { ordersCreated: number }).ordersCreated;

  beforeAll(async () => {
    system = await startSystem({ inProcessWorker: false, ...transport });
    alice = await system.account("alice@demo.meridian");
  });
  // Each test starts the workers it needs; none outlives it (a second receiver could not take the port).
  afterEach(async () => {
    await Promise.all(workers.map((worker) => stopProcess(worker)));
    workers = [];
    await system.broker("atlas", "/faults", { method: "PUT", body: JSON.stringify({ latencyMs: 0 }) });
  });
  afterAll(async () => system?.close());

  it("with only harbor's gateway running, harbor's order reaches harbor while atlas's waits; atlas's gateway started on its own then sends it", async () => {
    // The first process answers the receiver's health check that spawnWorker waits for.
    workers.push(await system.spawnWorker({ WORKER_ROLES: "receiver,ledger,recovery,gateway:harbor" }));
    const atlasBefore = await ordersCreatedAt("atlas");
    const forAtlas = await system.place(alice, resting("AAPL"));
    const forHarbor = await system.place(alice, resting("TSLA"));
    expect([forAtlas.brokerId, forHarbor.brokerId]).toEqual(["atlas", "harbor"]);

    await waitUntil(async () => (await statusOf(forHarbor.id)) === "ACCEPTED", 15_000, "harbor's order ACCEPTED");
    // Placed first, and still not sent a second later: nothing consumes atlas's topic in this system.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await statusOf(forAtlas.id)).toBe("PENDING_NEW");
    expect(
      await system.db.prisma.outboxEvent.findMany({
        where: { key: forAtlas.id },
        select: { topic: true, consumedAt: true },
      }),
    ).toEqual([{ topic: "orders.commands.atlas", consumedAt: null }]);
    expect(await ordersCreatedAt("atlas")).toBe(atlasBefore);

    workers.push(await system.spawnWorker({ WORKER_ROLES: "gateway:atlas" }));
    await waitUntil(async () => (await statusOf(forAtlas.id)) === "ACCEPTED", 30_000, "atlas's order ACCEPTED");
    expect(await ordersCreatedAt("atlas")).toBe(atlasBefore + 1);
  });

  it("one gateway for both brokers: atlas answering slowly with a backlog does not delay harbor's order", async () => {
    // Two orders at a time per broker; atlas takes 2 s an answer (under the gateway's timeout and its breaker's "slow").
    workers.push(
      await system.spawnWorker({
        WORKER_ROLES: "receiver,ledger,recovery,gateway",
        GATEWAY_CONCURRENCY: "2",
        BROKER_TIMEOUT_MS: "10000",
      }),
    );
    await system.broker("atlas", "/faults", { method: "PUT", body: JSON.stringify({ latencyMs: 2000 }) });
    const atlasBacklog: string[] = [];
    for (const symbol of ["AAPL", "MSFT", "AAPL", "MSFT", "AAPL", "MSFT"])
      atlasBacklog.push((await system.place(alice, resting(symbol))).id);
    const forHarbor = await system.place(alice, resting("TSLA"));
    expect(forHarbor.brokerId).toBe("harbor");

    await waitUntil(async () => (await statusOf(forHarbor.id)) === "ACCEPTED", 15_000, "harbor's order ACCEPTED");
    // On one shared topic and one set of lanes, harbor's order would wait for the atlas orders ahead of it (two
    // every 2 s): here at most the first two of them can have been answered.
    expect(await acceptedCount(atlasBacklog)).toBeLessThanOrEqual(2);

    await waitUntil(
      async () => (await acceptedCount(atlasBacklog)) === atlasBacklog.length,
      60_000,
      "atlas's backlog ACCEPTED",
    );
  });
}
