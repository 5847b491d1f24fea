// What one Kafka consumer knows about one partition's messages while they run out of order (keyedLanes.ts): which
// offsets are taken (waiting or running), which are finished, and which were let go. Kafka keeps one committed offset
// per partition, so what may be resolved is only the contiguous prefix of finished messages: a message still running
// holds the offset back, and the messages finished after it are remembered here, so that when kafkajs fetches them
// again (it fetches from the first unresolved offset) they are passed by without a database round trip.

type OffsetState = "taken" | "finished" | "released";

export class PartitionProgress {
  /** Offsets seen and not resolved yet, in offset order (almost always appended: fetches come in order). */
  private readonly offsets: bigint[] = [];
  private readonly states = new Map<bigint, OffsetState>();
  /** False once the partition was revoked or the consumer stops: nothing more of it is started. */
  open = true;

  private taken = 0;

  /** Messages taken and not finished (waiting for their turn or running). */
  get unfinished(): number {
    return this.taken;
  }

  /** True when the message must be handed out: never seen, or let go unfinished (a stop, a failed claim). */
  isNew(offset: string): boolean {
    const state = this.states.get(BigInt(offset));
    return state === undefined || state === "released";
  }

  take(offset: string): void {
    const value = BigInt(offset);
    if (!this.states.has(value)) {
      let index = this.offsets.length;
      while (index > 0 && this.offsets[index - 1]! > value) index--;
      this.offsets.splice(index, 0, value);
    }
    this.set(value, "taken");
  }

  /** Handled, passed by (consumed already, parked, not ours): its offset may be resolved once all before it are. */
  finish(offset: string): void {
    const value = BigInt(offset);
    if (this.states.has(value)) this.set(value, "finished");
  }

  /** Not finished and not running any more: it holds the offset back until it is taken again and finishes. */
  release(offset: string): void {
    const value = BigInt(offset);
    if (this.states.has(value)) this.set(value, "released");
  }

  /**
   * The fetch starts past these offsets: another member of the group moved the partition on while it was not ours.
   * What still runs of them finishes, but no longer counts here.
   */
  forgetBefore(offset: string): void {
    const value = BigInt(offset);
    while (this.offsets.length > 0 && this.offsets[0]! < value) {
      const forgotten = this.offsets.shift()!;
      if (this.states.get(forgotten) === "taken") this.taken--;
      this.states.delete(forgotten);
    }
  }

  /** The last offset of the finished prefix, removed from memory; null when the first unresolved one is not done. */
  takeResolvable(): string | null {
    let last: bigint | null = null;
    while (this.offsets.length > 0 && this.states.get(this.offsets[0]!) === "finished") {
      last = this.offsets.shift()!;
      this.states.delete(last);
    }
    return last === null ? null : last.toString();
  }

  private set(offset: bigint, state: OffsetState): void {
    if (this.states.get(offset) === "taken") this.taken--;
    if (state === "taken") this.taken++;
    this.states.set(offset, state);
  }
}
