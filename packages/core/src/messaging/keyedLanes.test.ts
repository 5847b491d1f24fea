// The lanes alone: one key's items one at a time and in order, many keys side by side up to the limit, a key stopped
// behind an item that did not go through, and a close that starts nothing more.
import { describe, expect, it } from "vitest";
import { KeyedLanes } from "./keyedLanes";

interface Item {
  key: string;
  n: number;
}

/** Lanes whose items end when the test says so. */
function harness(limit: number, outcome: (item: Item) => boolean = () => true) {
  const running: Item[] = [];
  const log: string[] = [];
  const dropped: Item[] = [];
  const finishers = new Map<Item, () => void>();
  const lanes = new KeyedLanes<Item>({
    limit,
    run: async (item) => {
      running.push(item);
      log.push(`start ${item.key}${item.n}`);
      await new Promise<void>((resolve) => finishers.set(item, resolve));
      running.splice(running.indexOf(item), 1);
      log.push(`end ${item.key}${item.n}`);
      return outcome(item);
    },
    dropped: (item) => dropped.push(item),
  });
  const finish = async (key: string, n: number) => {
    const item = [...finishers.keys()].find((candidate) => candidate.key === key && candidate.n === n)!;
    finishers.get(item)!();
    finishers.delete(item);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { lanes, running, log, dropped, finish };
}

describe("KeyedLanes", () => {
  it("runs distinct keys side by side up to the limit, and one key's items one at a time in order", async () => {
    const { lanes, running, log, finish } = harness(2);
    lanes.push("a", { key: "a", n: 1 });
    lanes.push("a", { key: "a", n: 2 });
    lanes.push("b", { key: "b", n: 1 });
    lanes.push("c", { key: "c", n: 1 });
    expect(running.map((item) => `${item.key}${item.n}`)).toEqual(["a1", "b1"]);
    expect(lanes.size).toBe(4);
    await finish("b", 1); // a slot frees: c1 is next in line, a2 still waits for a1
    expect(running.map((item) => `${item.key}${item.n}`)).toEqual(["a1", "c1"]);
    await finish("a", 1);
    expect(running.map((item) => `${item.key}${item.n}`)).toEqual(["c1", "a2"]);
    await finish("c", 1);
    await finish("a", 2);
    expect(lanes.size).toBe(0);
    expect(log.filter((line) => / a\d$/.test(line))).toEqual(["start a1", "end a1", "start a2", "end a2"]);
  });

  it("a slow key holds back only its own items", async () => {
    const { lanes, running, finish } = harness(4);
    lanes.push("slow", { key: "slow", n: 1 });
    lanes.push("slow", { key: "slow", n: 2 });
    for (let n = 1; n <= 3; n++) lanes.push("fast", { key: "fast", n });
    for (let n = 1; n <= 3; n++) await finish("fast", n);
    expect(running.map((item) => `${item.key}${item.n}`)).toEqual(["slow1"]);
    await finish("slow", 1);
    expect(running.map((item) => `${item.key}${item.n}`)).toEqual(["slow2"]);
  });

  it("an item that did not go through drops the items of its key waiting behind it; other keys go on", async () => {
    const { lanes, running, dropped, finish } = harness(4, (item) => item.key !== "a");
    lanes.push("a", { key: "a", n: 1 });
    lanes.push("a", { key: "a", n: 2 });
    lanes.push("a", { key: "a", n: 3 });
    lanes.push("b", { key: "b", n: 1 });
    lanes.push("b", { key: "b", n: 2 });
    await finish("a", 1);
    expect(dropped.map((item) => `${item.key}${item.n}`)).toEqual(["a2", "a3"]);
    await finish("b", 1);
    expect(running.map((item) => `${item.key}${item.n}`)).toEqual(["b2"]);
    // A later item of the stopped key starts afresh.
    lanes.push("a", { key: "a", n: 4 });
    expect(running.map((item) => `${item.key}${item.n}`)).toEqual(["b2", "a4"]);
  });

  it("close starts nothing more, drops what waits, and resolves once the running items ended", async () => {
    const { lanes, running, dropped, finish } = harness(1);
    lanes.push("a", { key: "a", n: 1 });
    lanes.push("b", { key: "b", n: 1 });
    lanes.push("a", { key: "a", n: 2 });
    let closed = false;
    const closing = lanes.close().then(() => (closed = true));
    expect(dropped.map((item) => `${item.key}${item.n}`).sort()).toEqual(["a2", "b1"]);
    expect(lanes.push("c", { key: "c", n: 1 })).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    await finish("a", 1);
    await closing;
    expect(running).toEqual([]);
  });
});
