// One partition's offsets while its messages finish out of order: only the contiguous finished prefix may be resolved.
import { describe, expect, it } from "vitest";
import { PartitionProgress } from "./partitionProgress";

describe("PartitionProgress", () => {
  it("resolves only the contiguous prefix of finished offsets, and remembers the rest without asking again", () => {
    const progress = new PartitionProgress();
    for (const offset of ["10", "11", "12", "13"]) progress.take(offset);
    progress.finish("11");
    progress.finish("13");
    expect(progress.takeResolvable()).toBeNull(); // 10 still runs
    expect(progress.isNew("11")).toBe(false);
    expect(progress.isNew("10")).toBe(false);
    expect(progress.isNew("14")).toBe(true);
    expect(progress.unfinished).toBe(2);
    progress.finish("10");
    expect(progress.takeResolvable()).toBe("11");
    progress.finish("12");
    expect(progress.takeResolvable()).toBe("13");
    expect(progress.unfinished).toBe(0);
    expect(progress.takeResolvable()).toBeNull();
  });

  it("a released offset holds the prefix back and is handed out again", () => {
    const progress = new PartitionProgress();
    for (const offset of ["1", "2", "3"]) progress.take(offset);
    progress.release("1");
    progress.finish("2");
    progress.finish("3");
    expect(progress.takeResolvable()).toBeNull();
    expect(progress.isNew("1")).toBe(true);
    progress.take("1");
    progress.finish("1");
    expect(progress.takeResolvable()).toBe("3");
  });

  it("forgets offsets the fetch has moved past, and keeps offset order when an older one is taken late", () => {
    const progress = new PartitionProgress();
    for (const offset of ["5", "6", "9"]) progress.take(offset);
    progress.forgetBefore("6");
    expect(progress.unfinished).toBe(2);
    progress.take("7");
    progress.finish("6");
    progress.finish("9");
    expect(progress.takeResolvable()).toBe("6"); // 7 still runs: 9 waits
    progress.finish("7");
    expect(progress.takeResolvable()).toBe("9");
  });
});
