// The operator console's handle on the simulated brokers' fault switches. This is not part of the broker port: a real
// partner has no such API. It exists because the brokers here are simulators, and operators rehearse failures on them.
// The simulated FX desk's switches are reached through it too, under the partner id "fxdesk".
import { ZBrokerFaults, type BrokerFaults, type BrokerFaultsPatch } from "./wire";

// The schema lives with the other wire shapes; re-exported here for the console's router, which reads it from here.
export { ZBrokerFaults, type BrokerFaults } from "./wire";

export class SimulatorFaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulatorFaultError";
  }
}

/**
 * The simulated FX desk's partner id (fxdesk/port.ts's FX_DESK_PARTNER_ID; a lower layer cannot import it). Its
 * switches have the brokers' shape and meaning and are set the same way, under the desk's own root.
 */
export const SIMULATED_FX_DESK = "fxdesk";

export class SimulatorControl {
  constructor(
    private readonly baseUrl: string,
    /** The desk's root (FX_DESK_URL); by default where the simulator serves it beside the brokers. */
    private readonly fxDeskUrl = `${baseUrl.replace(/\/+$/, "")}/fxdesk`,
  ) {}

  /** Where a partner's control routes live: /brokers/:id for a broker, the desk's own root for the FX desk. */
  private partnerRoot(partnerId: string): string {
    if (partnerId === SIMULATED_FX_DESK) return this.fxDeskUrl.replace(/\/+$/, "");
    return `${this.baseUrl}/brokers/${partnerId}`;
  }

  async faults(brokerId: string): Promise<BrokerFaults | null> {
    const response = await fetch(`${this.partnerRoot(brokerId)}/faults`, {
      signal: AbortSignal.timeout(2000),
    }).catch(() => null);
    if (!response?.ok) return null;
    return ZBrokerFaults.parse(await response.json());
  }

  /** Merges `change` into the broker's faults; the simulator refuses out-of-range values and changes nothing. */
  async setFaults(brokerId: string, change: BrokerFaultsPatch): Promise<BrokerFaults> {
    const response = await fetch(`${this.partnerRoot(brokerId)}/faults`, {
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
    await fetch(`${this.partnerRoot(brokerId)}/reset`, { method: "POST", signal: AbortSignal.timeout(2000) });
  }
}
