// Runtime fault injection for one broker. Changes are all-or-nothing: an out-of-range field rejects the whole patch.
import { NO_FAULTS, type BrokerFaults, type BrokerFaultsPatch } from "@meridian/core/broker";

// The switches, their schema and their defaults are wire shapes, defined once in core: the console reads them too.
export type Faults = BrokerFaults;

type Listener = (faults: Readonly<Faults>) => void;

export class FaultState {
  private faults: Readonly<Faults> = NO_FAULTS;
  private readonly listeners: Listener[] = [];

  get current(): Readonly<Faults> {
    return this.faults;
  }

  /** Merges a validated patch. Callers validate with ZBrokerFaultsPatch first, so nothing here can be out of range. */
  update(patch: BrokerFaultsPatch): Readonly<Faults> {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    this.faults = Object.freeze({ ...this.faults, ...defined });
    this.notify();
    return this.faults;
  }

  reset(): Readonly<Faults> {
    this.faults = NO_FAULTS;
    this.notify();
    return this.faults;
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.faults);
  }
}
