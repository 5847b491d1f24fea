// The service's own sweep against a fake coordinator that answers per transaction id: what it answers is applied
// through the same fence, so the coordinator's own late Confirm or Cancel afterwards is a DUPLICATE.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { bearer, ZOutcomeRequest, type OutcomeAnswer, type OutcomeRequest } from "@meridian/core/points";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET, entriesOf, fundedAccount, newTransactionId, useService } from "./support";

interface FakeCoordinator {
  url: string;
  /** Answers by transaction id; a missing one answers 500. */
  answers: Map<string, OutcomeAnswer>;
  asked: OutcomeRequest[];
  refusedBearer: number;
  /** True: every connection is reset before an answer, as when the coordinator is down. */
  down: boolean;
  close(): Promise<void>;
}

async function startFakeCoordinator(): Promise<FakeCoordinator> {
  const state = {
    answers: new Map<string, OutcomeAnswer>(),
    asked: [] as OutcomeRequest[],
    refusedBearer: 0,
    down: false,
  };
  const server: Server = createServer((request, response) => {
    if (state.down) return request.socket.destroy();
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = (status: number, body: unknown) =>
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (request.url !== "/tcc/outcome" || request.method !== "POST") return reply(404, {});
      if (request.headers.authorization !== bearer(SECRET)) {
        state.refusedBearer++;
        return reply(401, {});
      }
      const asked = ZOutcomeRequest.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      state.asked.push(asked);
      const answer = state.answers.get(asked.transactionId);
      return answer ? reply(200, answer) : reply(500, { error: "no answer scripted" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

// Started before the service (hooks run in the order they are registered).
let coordinator: FakeCoordinator;
beforeAll(async () => {
  coordinator = await startFakeCoordinator();
});
afterAll(() => coordinator.close());

const points = useService(() => ({ coordinatorUrl: coordinator.url }));
const client = () => points.client;

describe("the sweep", () => {
  it("applies CONFIRM, CANCEL and PENDING, and the coordinator's late Confirm and Cancel are DUPLICATE", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const [toConfirm, toCancel, pending] = [newTransactionId(), newTransactionId(), newTransactionId()];
    for (const id of [toConfirm, toCancel, pending]) await client().try(id, accountNo, "200");
    coordinator.answers.set(toConfirm, { outcome: "CONFIRM", spent: "120" });
    coordinator.answers.set(toCancel, { outcome: "CANCEL" });
    coordinator.answers.set(pending, { outcome: "PENDING" });

    expect(await points.service.sweepOnce()).toEqual({ confirmed: 1, cancelled: 1, pending: 1, unreachable: 0 });

    expect(coordinator.refusedBearer).toBe(0);
    expect(coordinator.asked).toContainEqual({
      transactionId: toConfirm,
      branchId: "fee-points",
      accountNo,
      points: "200",
    });
    expect((await client().reservation(toConfirm)).body).toMatchObject({
      state: "CONFIRMED",
      spent: "120",
      settledBy: "sweep",
    });
    expect((await client().reservation(toCancel)).body).toMatchObject({ state: "CANCELLED", settledBy: "sweep" });
    expect((await client().reservation(pending)).body).toMatchObject({ state: "TRIED", settledBy: null });
    expect(await client().balance(accountNo)).toEqual({ available: "680", held: "200" });
    expect(await entriesOf(points.service, accountNo)).toContainEqual({
      amount: "-120",
      kind: "SPEND",
      transaction_id: toConfirm,
    });

    expect((await client().confirm(toConfirm, "120")).body.verdict).toBe("DUPLICATE");
    expect((await client().cancel(toCancel)).body.verdict).toBe("DUPLICATE");
    // The pending branch is the coordinator's to end.
    expect((await client().confirm(pending, "200")).body.verdict).toBe("CONFIRMED");
    expect(await client().balance(accountNo)).toEqual({ available: "680", held: "0" });
  });

  it("leaves a branch TRIED when the coordinator fails, answers garbage, or is down", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const [failing, garbled] = [newTransactionId(), newTransactionId()];
    await client().try(failing, accountNo, "100");
    await client().try(garbled, accountNo, "100");
    coordinator.answers.set(garbled, { outcome: "CONFIRM" } as OutcomeAnswer); // no `spent`: does not fit

    expect(await points.service.sweepOnce()).toEqual({ confirmed: 0, cancelled: 0, pending: 0, unreachable: 2 });

    coordinator.down = true;
    try {
      expect((await points.service.sweepOnce()).unreachable).toBe(2);
    } finally {
      coordinator.down = false;
    }
    for (const id of [failing, garbled]) {
      expect((await client().reservation(id)).body).toMatchObject({ state: "TRIED", settledBy: null });
    }
    expect(await client().balance(accountNo)).toEqual({ available: "800", held: "200" });

    expect((await client().cancel(failing)).body).toMatchObject({
      verdict: "CANCELLED",
      reservation: { settledBy: "coordinator" },
    });
    expect((await client().confirm(garbled, "100")).body.verdict).toBe("CONFIRMED");
  });

  it("does not apply an answer the fence refuses (CONFIRM spending more than was reserved)", async () => {
    const accountNo = await fundedAccount(client(), "1000");
    const transactionId = newTransactionId();
    await client().try(transactionId, accountNo, "100");
    coordinator.answers.set(transactionId, { outcome: "CONFIRM", spent: "101" });

    expect((await points.service.sweepOnce()).confirmed).toBe(0);
    expect((await client().reservation(transactionId)).body).toMatchObject({ state: "TRIED" });
    expect((await client().cancel(transactionId)).body.verdict).toBe("CANCELLED");
  });
});
