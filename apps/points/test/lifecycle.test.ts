// Starting and stopping: the demo seed across restarts on one database, the sweep's own timer, and close() releasing
// requests the drop fault holds.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_USERS } from "@meridian/db/setup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PointsService, PointsServiceOptions } from "../src/index";
import { demoSeedKey } from "../src/seed";
import {
  clientFor,
  createThrowawayDatabase,
  entriesOf,
  newTransactionId,
  startService,
  type ThrowawayDatabase,
} from "./support";

let database: ThrowawayDatabase;
/** Without DATABASE_URL, a restart finds the embedded database's files here. */
let dataDir: string;
beforeAll(async () => {
  database = await createThrowawayDatabase();
  dataDir = mkdtempSync(join(tmpdir(), "meridian-points-"));
});
afterAll(async () => {
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function withService<T>(
  overrides: Partial<PointsServiceOptions>,
  work: (service: PointsService) => Promise<T>,
): Promise<T> {
  const service = await startService({ databaseUrl: database.url, dataDir, ...overrides });
  try {
    const result = await work(service);
    expect(await service.invariants()).toEqual([]);
    return result;
  } finally {
    await service.close();
  }
}

const demoCustomers = DEMO_USERS.flatMap(({ accountNo, points }) =>
  accountNo && points && points !== "0" ? [{ accountNo, points }] : [],
);

describe("demo seed", () => {
  it("credits each demo customer once, however often the service starts", async () => {
    expect(demoCustomers.length).toBeGreaterThan(0);
    for (let start = 0; start < 2; start++) {
      await withService({ demoSeed: true }, async (service) => {
        const client = clientFor(service);
        for (const { accountNo, points } of demoCustomers) {
          expect(await client.balance(accountNo)).toEqual({ available: points, held: "0" });
          expect(await entriesOf(service, accountNo)).toEqual([
            { amount: points, kind: "CREDIT", transaction_id: null },
          ]);
        }
        // The seed's key is an ordinary credit key: the same credit again changes nothing.
        const [alice] = demoCustomers;
        expect((await client.credit(alice!.accountNo, demoSeedKey(alice!.accountNo), alice!.points)).status).toBe(200);
      });
    }
  });

  it("a spent demo balance is not topped up by the next start", async () => {
    const [alice] = demoCustomers;
    const transactionId = newTransactionId();
    await withService({ demoSeed: true }, async (service) => {
      const client = clientFor(service);
      await client.try(transactionId, alice!.accountNo, "100");
      await client.confirm(transactionId, "100");
    });
    await withService({ demoSeed: true }, async (service) => {
      const expected = (BigInt(alice!.points) - 100n).toString();
      expect(await clientFor(service).balance(alice!.accountNo)).toEqual({ available: expected, held: "0" });
    });
  });
});

describe("running", () => {
  it("sweeps by itself every sweepEveryMs", async () => {
    const coordinator = createServer((_request, response) =>
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ outcome: "CANCEL" })),
    );
    await new Promise<void>((resolve) => coordinator.listen(0, "127.0.0.1", resolve));
    const coordinatorUrl = `http://127.0.0.1:${(coordinator.address() as AddressInfo).port}`;
    try {
      await withService({ sweep: true, sweepEveryMs: 50, sweepAfterMs: 100, coordinatorUrl }, async (service) => {
        const client = clientFor(service);
        const accountNo = `T-sweep-${transactionIdPrefix()}`;
        await client.credit(accountNo, `fund:${accountNo}`, "100");
        const transactionId = newTransactionId();
        await client.try(transactionId, accountNo, "100");
        expect((await client.reservation(transactionId)).body.state).toBe("TRIED");

        const deadline = Date.now() + 5000;
        while ((await client.reservation(transactionId)).body.state === "TRIED" && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect((await client.reservation(transactionId)).body).toMatchObject({
          state: "CANCELLED",
          settledBy: "sweep",
        });
        expect(await client.balance(accountNo)).toEqual({ available: "100", held: "0" });
      });
    } finally {
      await new Promise((resolve) => coordinator.close(resolve));
    }
  });

  it("close() ends requests held by the drop fault instead of waiting for them", async () => {
    const service = await startService({ databaseUrl: database.url, dataDir });
    service.faults.update({ dropRequestRate: 1 });
    const held = clientFor(service)
      .cancel(newTransactionId())
      .then(
        () => "answered",
        () => "connection closed",
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await service.invariants()).toEqual([]);

    const started = Date.now();
    await service.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await held).toBe("connection closed");
  });
});

const transactionIdPrefix = () => newTransactionId().slice(0, 8);
