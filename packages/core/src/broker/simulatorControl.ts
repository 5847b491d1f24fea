// The operator console's handle on the simulated brokers' fault switches. This is not part of the broker port: a real
// partner has no such API. It exists because the brokers here are simulators, and operators rehearse failures on them.
import { ZBrokerFaults, type BrokerFaults, type BrokerFaultsPatch } from "./wire";

// The schema lives with the other wire shapes; re-exported here for the console's router, which reads it from here.
export { ZBrokerFaults, type BrokerFaults } from "./wire";

export class SimulatorFaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulatorFaultError";
  }
}

export class SimulatorControl {
  constructor(private readonly baseUrl: string) {}

  async faults(brokerId: string): Promise<BrokerFaults | null> {
    const response = await fetch(`${this.baseUrl}/brokers/${brokerId}/faults`, {
      signal: AbortSignal.timeout(2000),
    }).catch(() => null);
    if (!response?.ok) return null;
    return ZBrokerFaults.parse(await response.json());
  }

  /** Merges `change` into the broker's faults; the simulator refuses out-of-range values and changes nothing. */
  async setFaults(brokerId: string, change: BrokerFaultsPatch): Promise<BrokerFaults> {
    const response = await fetch(`${this.baseUrl}/brokers/${brokerId}/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(change),
      signal: AbortSignal.timeout(2000),
    }).catch((error: Error) => {
      throw new SimulatorFaultError(`The broker simulator did not answer (${error.message}). Is it running?`);
    });
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok)
      throw new SimulatorFaultError(body.error ?? `The simulator refused the change (HTTP ${response.status}).`);
    return ZBrokerFaults.parse(body);
  }

  async reset(brokerId: string): Promise<void> {
    await fetch(`${this.baseUrl}/brokers/${brokerId}/reset`, { method: "POST", signal: AbortSignal.timeout(2000) });
  }
}
