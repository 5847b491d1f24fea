// A DomainError thrown by code from one copy of the errors module is still a DomainError to another copy: Next.js
// bundles core once for server rendering and once for the API route, and the services (built once per process) may
// come from either.
import { describe, expect, it, vi } from "vitest";
import { AccountBusyError, DomainError } from "./errors";

describe("DomainError across module copies", () => {
  it("is recognised by a second copy of the module, with its code and field", async () => {
    vi.resetModules();
    const copy = await import("./errors");
    expect(copy.DomainError).not.toBe(DomainError); // really two classes
    const thrown = new copy.DomainError("SERVICE_UNAVAILABLE", "AAPL trading is paused", "symbol");
    expect(thrown instanceof DomainError).toBe(true);
    expect(new DomainError("BAD_REQUEST", "x") instanceof copy.DomainError).toBe(true);
    expect(new copy.AccountBusyError() instanceof DomainError).toBe(true);
  });

  it("keeps subclasses and other errors apart", () => {
    expect(new DomainError("CONFLICT", "x") instanceof AccountBusyError).toBe(false);
    expect(new AccountBusyError() instanceof AccountBusyError).toBe(true);
    expect(new Error("x") instanceof DomainError).toBe(false);
    expect((null as unknown as object) instanceof DomainError).toBe(false);
    expect({ code: "CONFLICT", name: "DomainError" } instanceof DomainError).toBe(false);
  });
});

// The web app calls the points service from a route bundle while the HTTP client that throws was built by another:
// a refusal must stay a refusal (the customer's answer), and a lost answer an unknown outcome, not a 500.
describe("the partner errors across module copies", () => {
  it("recognises PointsRefusal and BrokerUnavailableError from a second copy", async () => {
    const { PointsRefusal } = await import("../points/port");
    const { BrokerUnavailableError } = await import("../broker/port");
    vi.resetModules();
    const points = await import("../points/port");
    const broker = await import("../broker/port");
    expect(points.PointsRefusal).not.toBe(PointsRefusal);
    expect(new points.PointsRefusal("INSUFFICIENT_POINTS", "x") instanceof PointsRefusal).toBe(true);
    expect(new broker.BrokerUnavailableError("points", "TIMEOUT", "x") instanceof BrokerUnavailableError).toBe(true);
    expect(new broker.BrokerUnavailableError("points", "TIMEOUT", "x") instanceof PointsRefusal).toBe(false);
    expect(new Error("x") instanceof BrokerUnavailableError).toBe(false);
  });
});
