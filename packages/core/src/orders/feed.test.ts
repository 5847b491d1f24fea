import type { PrismaClient } from "@meridian/db";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createHarness, type Harness } from "../../test/harness";
import type { AccountRef } from "../services";
import { openOrderChanges } from "./changeStream";
import { OrderFeed, type OrderChangeEvent } from "./feed";
import { placeOrder } from "./placeOrder";
import { ZPlaceOrderInput } from "./placeOrder.schema";
import { recordOrderEvent } from "./lifecycle";

const POLL_MS = 50;
// Embedded Postgres (PGlite) runs one transaction at a time, so a transaction cannot commit after a later one there.
const concurrentDatabase = Boolean(process.env.DATABASE_URL);
if (!concurrentDatabase)
  console.warn("DATABASE_URL is unset: the two-transaction late-commit case is skipped (CI sets it; a skip fails CI)");

/** Reads a feed stream in the background, as a tRPC subscription would, until `stop()`. */
function record(feed: OrderFeed, accountId?: string) {
  const abort = new AbortController();
  const changes: OrderChangeEvent[] = [];
  const done = (async () => {
    for await (const change of await openOrderChanges(feed, { accountId, signal: abort.signal })) changes.push(change);
  })();
  return { changes, stop: () => (abort.abort(), done) };
}

/** The prisma client with a count of the feed's reads of `order_events`. */
function countingReads(prisma: PrismaClient) {
  const counter = { reads: 0 };
  const counted = new Proxy(prisma, {
    get(target, property, receiver) {
      if (property === "orderEvent") counter.reads += 1;
      return Reflect.get(target, property, receiver);
    },
  });
  return { prisma: counted, counter };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, POLL_MS * 6));

describe("order feed", () => {
  let h: Harness;
  let alice: AccountRef;
  let bob: AccountRef;
  let feed: OrderFeed;
  const streams: { stop(): Promise<void> }[] = [];

  const place = (account: AccountRef, symbol: string) =>
    placeOrder({
      ctx: { services: h.services, account, actor: "test" },
      input: ZPlaceOrderInput.parse({ symbol, side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "10.00" }),
    });
  const note = (orderId: string, kind: string) =>
    h.db.prisma.$transaction((tx) => recordOrderEvent(tx, orderId, { kind, actor: "test", cause: "feed test" }));
  const open = (accountId?: string) => {
    const stream = record(feed, accountId);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    h = await createHarness();
    [alice, bob] = await Promise.all([h.account("alice@demo.meridian"), h.account("bob@demo.meridian")]);
    feed = new OrderFeed({ prisma: h.db.prisma, logger: pino({ level: "silent" }), pollMs: POLL_MS });
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.stop()));
  });
  afterAll(async () => h?.close());

  it("gives each subscriber exactly its account's changes, in order", async () => {
    const aliceStream = open(alice.id);
    const bobStream = open(bob.id);
    await feed.whenStarted();

    const a1 = await place(alice, "AAPL");
    const b1 = await place(bob, "TSLA");
    const a2 = await place(alice, "MSFT");
    await note(a1.id, "TEST_NOTE");
    await note(b1.id, "TEST_NOTE");

    await vi.waitFor(() => expect(aliceStream.changes).toHaveLength(3), { timeout: 5_000 });
    await vi.waitFor(() => expect(bobStream.changes).toHaveLength(2), { timeout: 5_000 });
    await settle();
    expect(aliceStream.changes.map((change) => [change.orderId, change.kind])).toEqual([
      [a1.id, "PLACED"],
      [a2.id, "PLACED"],
      [a1.id, "TEST_NOTE"],
    ]);
    expect(bobStream.changes.map((change) => [change.orderId, change.kind])).toEqual([
      [b1.id, "PLACED"],
      [b1.id, "TEST_NOTE"],
    ]);
    expect(new Set(aliceStream.changes.map((change) => change.accountId))).toEqual(new Set([alice.id]));
    const ids = aliceStream.changes.map((change) => BigInt(change.eventId));
    expect(ids).toEqual([...ids].sort((x, y) => (x < y ? -1 : 1)));
    expect(aliceStream.changes[0]).toMatchObject({ symbol: "AAPL", status: "PENDING_NEW" });
  });

  it("opens a stream only once the feed knows where it starts: a change committed right after is delivered", async () => {
    const abort = new AbortController();
    const stream = await openOrderChanges(feed, { accountId: alice.id, signal: abort.signal });
    // Written before anything reads the stream, as the browser's re-fetch on "connected" would race it.
    const order = await place(alice, "NVDA");
    const first = await stream.next();
    abort.abort();
    await stream.return(undefined);
    expect(first.value).toMatchObject({ orderId: order.id, kind: "PLACED" });
    expect(feed.subscriberCount).toBe(0);
  }, 10_000);

  it("still delivers a row whose id is below one already read (a lower id written later)", async () => {
    const order = await place(alice, "AAPL");
    const stream = open(alice.id);
    await feed.whenStarted();
    // Two ids taken from the sequence, as two inserting transactions would; the higher one is written first.
    const reserved = await h.db.prisma.$queryRaw<
      { id: bigint }[]
    >`SELECT nextval('order_events_id_seq') AS id FROM generate_series(1, 2)`;
    const [lower, higher] = reserved.map((row) => BigInt(row.id)).sort((x, y) => (x < y ? -1 : 1)) as [bigint, bigint];
    await h.db.prisma.orderEvent.create({
      data: { id: higher, orderId: order.id, kind: "WRITTEN_FIRST", actor: "test", cause: "feed test" },
    });
    await vi.waitFor(() => expect(stream.changes.map((change) => change.kind)).toContain("WRITTEN_FIRST"), {
      timeout: 5_000,
    });

    await h.db.prisma.orderEvent.create({
      data: { id: lower, orderId: order.id, kind: "WRITTEN_LATER", actor: "test", cause: "feed test" },
    });
    await vi.waitFor(() => expect(stream.changes.map((change) => change.kind)).toContain("WRITTEN_LATER"), {
      timeout: 5_000,
    });
    await settle();
    expect(stream.changes.map((change) => [change.eventId, change.kind])).toEqual([
      [higher.toString(), "WRITTEN_FIRST"],
      [lower.toString(), "WRITTEN_LATER"],
    ]);
  });

  it.skipIf(!concurrentDatabase)("delivers a transaction that commits after a later one was already read", async () => {
    const order = await place(alice, "AAPL");
    const stream = open(alice.id);
    await feed.whenStarted();
    const kinds = () => stream.changes.map((change) => change.kind);

    let inserted!: () => void;
    let commit!: () => void;
    const lateInserted = new Promise<void>((resolve) => (inserted = resolve));
    const mayCommit = new Promise<void>((resolve) => (commit = resolve));
    const late = h.db.prisma.$transaction(
      async (tx) => {
        await recordOrderEvent(tx, order.id, { kind: "COMMITTED_LATE", actor: "test", cause: "tx1" });
        inserted();
        await mayCommit;
      },
      { timeout: 30_000 },
    );
    await lateInserted;
    await note(order.id, "COMMITTED_EARLY");
    await vi.waitFor(() => expect(kinds()).toContain("COMMITTED_EARLY"), { timeout: 5_000 });
    await settle();
    expect(kinds()).not.toContain("COMMITTED_LATE");

    commit();
    await late;
    await vi.waitFor(() => expect(kinds()).toContain("COMMITTED_LATE"), { timeout: 5_000 });
    const idOf = (kind: string) => BigInt(stream.changes.find((change) => change.kind === kind)!.eventId);
    expect(idOf("COMMITTED_LATE")).toBeLessThan(idOf("COMMITTED_EARLY"));
  });

  it("polls with one reader however many subscribe, and stops when the last leaves", async () => {
    const { prisma, counter } = countingReads(h.db.prisma);
    const ownFeed = new OrderFeed({ prisma, logger: pino({ level: "silent" }), pollMs: POLL_MS });
    expect(ownFeed.polling).toBe(false);
    await settle();
    expect(counter.reads).toBe(0);

    const first = record(ownFeed, alice.id);
    const second = record(ownFeed);
    await ownFeed.whenStarted();
    expect(ownFeed.subscriberCount).toBe(2);
    const before = counter.reads;
    await settle();
    // One poller: about one read per interval, not one per subscriber (6 intervals passed; two pollers would read ~12).
    expect(counter.reads - before).toBeGreaterThan(0);
    expect(counter.reads - before).toBeLessThanOrEqual(8);

    await first.stop();
    expect(ownFeed.polling).toBe(true);
    await second.stop();
    expect(ownFeed.subscriberCount).toBe(0);
    await vi.waitFor(() => expect(ownFeed.polling).toBe(false), { timeout: 2_000 });
    const afterStop = counter.reads;
    await settle();
    expect(counter.reads).toBe(afterStop);
  });
});
