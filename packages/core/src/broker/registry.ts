// Which broker an order goes to. Built once in a composition root (the worker's entry, the web's context) and passed
// down; nothing deeper chooses a broker by itself.
import { HttpBrokerAdapter } from "./httpBroker";
import type { BrokerAdapter, BrokerCapabilities } from "./port";

/** The partners we have contracts with, and what each can do. */
export const KNOWN_BROKERS: ReadonlyArray<{ brokerId: string; capabilities: BrokerCapabilities }> = [
  { brokerId: "atlas", capabilities: { lookupByClientOrderId: true } },
  { brokerId: "harbor", capabilities: { lookupByClientOrderId: false } },
];

/** Which brokers can trade each symbol, in order of preference: the first is the primary, the rest its fallbacks. */
export interface BrokerRouting {
  /** For every symbol not listed in `bySymbol`. */
  defaultBrokerIds: string[];
  /** Upper-case symbol → its brokers. */
  bySymbol: Record<string, string[]>;
}

export class BrokerRegistry<A extends BrokerAdapter = BrokerAdapter> {
  private readonly adapters = new Map<string, A>();

  constructor(
    adapters: readonly A[],
    readonly routing: BrokerRouting,
  ) {
    for (const adapter of adapters) {
      if (this.adapters.has(adapter.brokerId)) throw new Error(`broker ${adapter.brokerId} registered twice`);
      this.adapters.set(adapter.brokerId, adapter);
    }
    // Fail at start-up, not on the first order for a mis-routed symbol.
    for (const brokerIds of [routing.defaultBrokerIds, ...Object.values(routing.bySymbol)]) {
      if (brokerIds.length === 0) throw new Error("broker routing gives a symbol no broker");
      for (const brokerId of brokerIds)
        if (!this.adapters.has(brokerId)) throw new Error(`broker routing names unknown broker "${brokerId}"`);
    }
  }

  get(brokerId: string): A {
    const adapter = this.adapters.get(brokerId);
    if (!adapter) throw new Error(`unknown broker "${brokerId}" (known: ${[...this.adapters.keys()].join(", ")})`);
    return adapter;
  }

  all(): A[] {
    return [...this.adapters.values()];
  }

  /** The brokers that can trade `symbol`, primary first. */
  brokerIdsFor(symbol: string): string[] {
    return this.routing.bySymbol[symbol.toUpperCase()] ?? this.routing.defaultBrokerIds;
  }

  /** The primary broker for `symbol`. */
  brokerFor(symbol: string): A {
    return this.get(this.brokerIdsFor(symbol)[0]!);
  }
}

/**
 * Parses "TSLA=harbor/atlas,NVDA=harbor,*=atlas/harbor": each symbol's brokers in order of preference, separated by
 * "/" (the first is the primary, the rest its fallbacks); `*` is every other symbol. Unlisted symbols go to atlas.
 */
export function parseBrokerRouting(text: string, defaultBrokerId = "atlas"): BrokerRouting {
  const routing: BrokerRouting = { defaultBrokerIds: [defaultBrokerId], bySymbol: {} };
  for (const entry of text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^(\*|[A-Za-z][A-Za-z.]*)\s*=\s*([a-z0-9_-]+(?:\s*\/\s*[a-z0-9_-]+)*)$/i.exec(entry);
    if (!match)
      throw new Error(
        `cannot read "${entry}" (expected SYMBOL=brokerId pairs, fallbacks after a slash, e.g. TSLA=harbor/atlas,*=atlas)`,
      );
    const [, symbol, list] = match as unknown as [string, string, string];
    const brokerIds = list.split("/").map((brokerId) => brokerId.trim());
    if (new Set(brokerIds).size !== brokerIds.length) throw new Error(`"${entry}" names a broker twice`);
    if (symbol === "*") routing.defaultBrokerIds = brokerIds;
    else routing.bySymbol[symbol.toUpperCase()] = brokerIds;
  }
  return routing;
}

/** One HTTP adapter per known broker, at the configured URL (BROKER_URL, BROKER_TIMEOUT_MS, BROKER_ROUTING). */
export function createBrokerRegistry(settings: {
  url: string;
  timeoutMs: number;
  routing: BrokerRouting;
}): BrokerRegistry<HttpBrokerAdapter> {
  const adapters = KNOWN_BROKERS.map(
    ({ brokerId, capabilities }) =>
      new HttpBrokerAdapter({ brokerId, baseUrl: settings.url, capabilities, timeoutMs: settings.timeoutMs }),
  );
  return new BrokerRegistry(adapters, settings.routing);
}

/** The shared secret that signs a broker's execution webhooks (BROKER_WEBHOOK_SECRET_<ID>, config.brokers). */
export function webhookSecretFor(brokerId: string, secrets: Record<string, string | undefined>): string {
  const secret = secrets[brokerId];
  if (!secret) {
    const name = `BROKER_WEBHOOK_SECRET_${brokerId.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
    throw new Error(`${name} is not set: the webhook secret for broker "${brokerId}" is required`);
  }
  return secret;
}
