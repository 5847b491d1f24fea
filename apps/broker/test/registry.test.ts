import { BrokerRegistry, createBrokerRegistry, HttpBrokerAdapter, webhookSecretFor } from "@meridian/core/broker";
import { loadConfig } from "@meridian/core/config";
import { describe, expect, it } from "vitest";

/** The registry the composition root builds from these settings. */
const createBrokerRegistryFrom = (env: Record<string, string>) => createBrokerRegistry(loadConfig(env).brokers);
const webhookSecrets = (env: Record<string, string>) => loadConfig(env).brokers.webhookSecrets;

describe("broker registry", () => {
  it("routes TSLA and NVDA to harbor and everything else to atlas by default", () => {
    const registry = createBrokerRegistryFrom({});
    expect(registry.brokerFor("TSLA").brokerId).toBe("harbor");
    expect(registry.brokerFor("nvda").brokerId).toBe("harbor");
    expect(registry.brokerFor("AAPL").brokerId).toBe("atlas");
    expect(registry.get("atlas").capabilities.lookupByClientOrderId).toBe(true);
    expect(registry.get("harbor").capabilities.lookupByClientOrderId).toBe(false);
    expect(
      registry
        .all()
        .map((adapter) => adapter.brokerId)
        .sort(),
    ).toEqual(["atlas", "harbor"]);
    expect(registry.get("atlas")).toBeInstanceOf(HttpBrokerAdapter);
  });

  it("gives each symbol its brokers in order of preference: the primary, then its fallbacks", () => {
    const registry = createBrokerRegistryFrom({});
    expect(registry.brokerIdsFor("AAPL")).toEqual(["atlas", "harbor"]);
    expect(registry.brokerIdsFor("tsla")).toEqual(["harbor", "atlas"]);
    const pinned = createBrokerRegistryFrom({ BROKER_ROUTING: "MSFT=atlas, *=harbor / atlas" });
    expect(pinned.brokerIdsFor("MSFT")).toEqual(["atlas"]);
    expect(pinned.brokerIdsFor("GOOGL")).toEqual(["harbor", "atlas"]);
    expect(pinned.brokerFor("GOOGL").brokerId).toBe("harbor");
  });

  it("reads BROKER_ROUTING, and refuses a routing it cannot read or that names an unknown broker", () => {
    const registry = createBrokerRegistryFrom({ BROKER_ROUTING: "AAPL=harbor, *=harbor", BROKER_TIMEOUT_MS: "800" });
    expect(registry.brokerFor("AAPL").brokerId).toBe("harbor");
    expect(registry.brokerFor("MSFT").brokerId).toBe("harbor");
    expect(registry.brokerFor("TSLA").brokerId).toBe("harbor");
    expect(() => createBrokerRegistryFrom({ BROKER_ROUTING: "AAPL" })).toThrow(/BROKER_ROUTING/);
    expect(() => createBrokerRegistryFrom({ BROKER_ROUTING: "AAPL=nowhere" })).toThrow(/unknown broker/);
    expect(() => createBrokerRegistryFrom({ BROKER_TIMEOUT_MS: "soon" })).toThrow(/BROKER_TIMEOUT_MS/);
    expect(() => createBrokerRegistryFrom({}).get("nowhere")).toThrow(/unknown broker/);
    expect(() => new BrokerRegistry([], { defaultBrokerIds: ["atlas"], bySymbol: {} })).toThrow(/unknown broker/);
  });

  it("reads a broker's webhook secret, naming the variable when it is missing", () => {
    expect(webhookSecretFor("atlas", webhookSecrets({ BROKER_WEBHOOK_SECRET_ATLAS: "x" }))).toBe("x");
    expect(() => webhookSecretFor("harbor", webhookSecrets({}))).toThrow(/BROKER_WEBHOOK_SECRET_HARBOR/);
  });
});
