// What one worker process runs (WORKER_ROLES, or --roles): its roles, and for the gateway the brokers whose command
// topics it consumes. `gateway` takes every broker's; `gateway:atlas` only atlas's, so each broker's gateways can be
// scaled, stopped or left behind on their own. One reader for both the setting and the command-line flag.
import { KNOWN_BROKERS } from "../broker/registry";

export const WORKER_ROLES = ["gateway", "receiver", "ledger", "recovery", "recon", "invariants", "saga"] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

export interface WorkerRoles {
  /** `gateway` is here whenever the gateway runs for any broker. */
  roles: WorkerRole[];
  /** The brokers whose commands this worker's gateway consumes, in KNOWN_BROKERS order; empty without a gateway. */
  gatewayBrokers: string[];
}

/** "gateway:harbor, ledger" → { roles: ["gateway", "ledger"], gatewayBrokers: ["harbor"] }; throws on a wrong entry. */
export function readWorkerRoles(text: string): WorkerRoles {
  const known = KNOWN_BROKERS.map(({ brokerId }) => brokerId);
  const roles = new Set<WorkerRole>();
  const gatewayBrokers = new Set<string>();
  for (const entry of text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [role, brokerId, ...rest] = entry.split(":");
    if (
      !(WORKER_ROLES as readonly string[]).includes(role!) ||
      rest.length ||
      (brokerId !== undefined && role !== "gateway")
    )
      throw new Error(`must be a comma-separated list of ${WORKER_ROLES.join(", ")}, or gateway:<brokerId>`);
    if (brokerId !== undefined && !known.includes(brokerId))
      throw new Error(`names unknown broker "${brokerId}" in "${entry}" (known: ${known.join(", ")})`);
    roles.add(role as WorkerRole);
    if (role === "gateway") for (const id of brokerId === undefined ? known : [brokerId]) gatewayBrokers.add(id);
  }
  return {
    roles: WORKER_ROLES.filter((role) => roles.has(role)),
    gatewayBrokers: known.filter((brokerId) => gatewayBrokers.has(brokerId)),
  };
}
