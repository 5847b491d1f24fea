import type { BrokerCapabilities } from "@meridian/core/broker";

export interface BrokerDefinition {
  brokerId: string;
  /** Prefix of this broker's order and execution ids, so ids never collide between partners. */
  idPrefix: string;
  capabilities: BrokerCapabilities;
}

export const BROKER_DEFINITIONS: readonly BrokerDefinition[] = [
  { brokerId: "atlas", idPrefix: "ATL", capabilities: { lookupByClientOrderId: true } },
  { brokerId: "harbor", idPrefix: "HBR", capabilities: { lookupByClientOrderId: false } },
];
