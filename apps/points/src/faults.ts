// Fault switches for the three TCC routes, so Meridian's coordinator can be tested against a participant that is
// slow, down, or loses requests and answers on the way. A patch is validated whole (ZPointsFaultsPatch) before it lands.
import { NO_POINTS_FAULTS, type PointsFaults, type PointsFaultsPatch } from "@meridian/core/points";

export type Random = () => number;

export function chance(random: Random, rate: number): boolean {
  return rate > 0 && random() < rate;
}

export class FaultSwitches {
  private faults: Readonly<PointsFaults> = NO_POINTS_FAULTS;

  get current(): Readonly<PointsFaults> {
    return this.faults;
  }

  update(patch: PointsFaultsPatch): Readonly<PointsFaults> {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    this.faults = Object.freeze({ ...this.faults, ...defined });
    return this.faults;
  }

  reset(): Readonly<PointsFaults> {
    this.faults = NO_POINTS_FAULTS;
    return this.faults;
  }
}
