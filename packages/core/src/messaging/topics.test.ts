// Each broker's commands on a topic of their own, consumed in a group of their own; and the upgrade from the single
// orders.commands topic loses no command still owed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations } from "@meridian/db/setup";
import { createHarness, type Harness } from "../../test/harness";
import { placeOrder } from "../orders/placeOrder";
import { ZPlaceOrderInput } from "../orders/placeOrder.schema";
import { groupId } from "./kafkaClient";
import { ALL_TOPICS, ORDER_COMMANDS_TOPICS, orderCommandsTopic, topicSpec } from "./topics";

describe("topics", () => {
  it("has one command topic per known broker, consumed by the gateway in a group per broker", () => {
    expect(ORDER_COMMANDS_TOPICS).toEqual(["orders.commands.atlas", "orders.commands.harbor"]);
    expect(ALL_TOPICS).toEqual(["orders.commands.atlas", "orders.commands.harbor", "executions", "orders.events"]);
    expect(topicSpec("orders.commands.harbor")).toEqual({
      partitions: 6,
      consumer: "gateway",
      group: "gateway.harbor",
    });
    expect(groupId({ namespace: "t1." }, orderCommandsTopic("atlas"))).toBe("t1.meridian.gateway.atlas");
    expect(groupId({}, "executions")).toBe("meridian.ledger");
  });

  it("has no command topic for a broker we have no contract with", () => {
    expect(() => orderCommandsTopic("nowhere")).toThrow(
      'no command topic for unknown broker "nowhere" (known: atlas, harbor)',
    );
    expect(() => topicSpec("orders.commands.nowhere")).toThrow('unknown topic "orders.commands.nowhere"');
    // The single topic of the versions before: nothing consumes it any more (its owed rows moved on upgrade).
    expect(() => topicSpec("orders.commands" as never)).toThrow('unknown topic "orders.commands"');
  });
});

describe("the upgrade to a command topic per broker", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it("moves the commands still owed on orders.commands to their broker's topic, in order, to be published again", async () => {
    const account = await h.account("alice@demo.meridian");
    const place = (symbol: string) =>
      placeOrder({
        ctx: { services: h.services, account, actor: "test" },
        input: ZPlaceOrderInput.parse({ symbol, side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "10.00" }),
      });
    const [atlasOrder, harborOrder, handledOrder] = [await place("AAPL"), await place("TSLA"), await place("MSFT")];
    // The harness routes every symbol to its one scripted broker, atlas: this order is harbor's.
    await h.db.prisma.order.update({ where: { id: harborOrder.id }, data: { brokerId: "harbor" } });
    // As the old version left them: on the single topic, one published to Kafka and claimed, one handled already.
    await h.db.prisma.outboxEvent.updateMany({ data: { topic: "orders.commands" } });
    await h.db.prisma.outboxEvent.updateMany({
      where: { key: atlasOrder.id },
      data: { publishedAt: new Date(), claimedUntil: new Date(Date.now() + 60_000) },
    });
    await h.db.prisma.outboxEvent.updateMany({
      where: { key: handledOrder.id },
      data: { consumedAt: new Date(), consumedVia: "polling" },
    });
    const before = await h.db.prisma.outboxEvent.findMany({ orderBy: { seq: "asc" } });

    const migration = readMigrations().find((file) => file.name.endsWith("_order_commands_per_broker"))!;
    await h.db.prisma.$executeRawUnsafe(migration.sql);

    const after = await h.db.prisma.outboxEvent.findMany({ orderBy: { seq: "asc" } });
    expect(after.map((row) => [row.key, row.seq, row.topic, row.publishedAt, row.claimedUntil])).toEqual([
      [atlasOrder.id, before[0]!.seq, "orders.commands.atlas", null, null],
      [harborOrder.id, before[1]!.seq, "orders.commands.harbor", null, null],
      [handledOrder.id, before[2]!.seq, "orders.commands", null, null],
    ]);
  });
});
