// The ledger on its own, draining a market open's backlog: executions already stored (receipt and outbox row, as the
// receiver leaves them), then the ledger role's consumer (polling, with LedgerBatcher) applies them all. It isolates
// what the ledger costs from the webhooks' HTTP and the relay, which bench:pipeline measures end to end.
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:ledger
//   BENCH_ORDERS=100 BENCH_PER_ORDER=20 BENCH_ACCOUNTS=2,8  (defaults) one row per account count
import { randomUUID } from "node:crypto";
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import { createHarness, type Harness } from "../packages/core/test/harness";
import { submitOrder } from "../packages/core/src/gateway/submitOrder";
import { runPollingConsumer } from "../packages/core/src/messaging/pollingConsumer";
import { placeOrder } from "../packages/core/src/orders/placeOrder";
import { ZPlaceOrderInput } from "../packages/core/src/orders/placeOrder.schema";
import { storeExecution } from "../packages/core/src/receiver/storeExecution";
import { LedgerBatcher } from "../packages/core/src/settlement/ledgerBatcher";
import { createFundedAccount } from "../apps/worker/test/accounts";
import { pgbenchOnScratchDatabase, ratioTo } from "./pgbench";
import { countingStatements } from "./statements";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 100);
const PER_ORDER = Number(process.env.BENCH_PER_ORDER ?? 20);
const ACCOUNT_COUNTS = (process.env.BENCH_ACCOUNTS ?? "2,8").split(",").map(Number);

if (!process.env.DATABASE_URL) {
  console.error("Set DATABASE_URL: this benchmark measures the ledger against PostgreSQL.");
  process.exit(2);
}

/** `ORDERS` accepted limit buys over `accounts` accounts, each executed `PER_ORDER` times one share at a time. */
async function storeBacklog(h: Harness, accountCount: number): Promise<number> {
  const accounts = [];
  for (let i = 0; i < accountCount; i++)
    accounts.push(await createFundedAccount(h.db.prisma, `L-${i}`, { cash: "10000000.00", points: "0", holdings: {} }));
  const orders = [];
  for (let i = 0; i < ORDERS; i++) {
    const order = await placeOrder({
      ctx: { services: h.services, account: accounts[i % accounts.length]!, actor: "bench" },
      input: ZPlaceOrderInput.parse({
        symbol: "AAPL",
        side: "BUY",
        type: "LIMIT",
        quantity: String(PER_ORDER),
        limitPrice: "10.00",
      }),
    });
    await submitOrder({ services: h.services, retryPolicy: h.services.retryPolicy }, order.id);
    orders.push(order);
  }
  await h.db.prisma.outboxEvent.updateMany({ where: { consumedAt: null }, data: { consumedAt: new Date() } });
  // Round by round, as a market open fills every order a little at a time.
  for (let round = 0; round < PER_ORDER; round++)
    for (const order of orders)
      await storeExecution(h.db.prisma, "atlas", {
        execId: `E-${randomUUID()}`,
        clientOrderId: order.id,
        brokerOrderId: `B-${order.id}`,
        symbol: "AAPL",
        side: "BUY",
        quantity: "1",
        price: "10.00",
        executedAt: new Date().toISOString(),
      });
  return ORDERS * PER_ORDER;
}

interface Row {
  accounts: number;
  executions: number;
  seconds: number;
  perSecond: number;
  batches: number;
  statements: number;
}

async function drain(accountCount: number): Promise<Row> {
  const h = await createHarness();
  try {
    const executions = await storeBacklog(h, accountCount);
    const sizes: number[] = [];
    const batcher = new LedgerBatcher(h.services, { onBatch: (size) => sizes.push(size) });
    const stop = new AbortController();
    const started = performance.now();
    const { statements } = await countingStatements(async () => {
      const consuming = runPollingConsumer(
        {
          prisma: h.db.prisma,
          topic: "executions",
          logger: pino({ level: "silent" }),
          inFlightLimit: h.services.config.transport.inFlight.ledger,
          handler: async (message) => {
            await batcher.applyMessage(message.payload as { receiptId: string; accountId?: string });
          },
        },
        stop.signal,
      );
      while (sizes.reduce((sum, size) => sum + size, 0) < executions) await new Promise((r) => setTimeout(r, 20));
      stop.abort();
      await consuming;
    });
    const seconds = (performance.now() - started) / 1000;
    return {
      accounts: accountCount,
      executions,
      seconds,
      perSecond: executions / seconds,
      batches: sizes.length,
      statements,
    };
  } finally {
    await h.close();
  }
}

const rows: Row[] = [];
for (const accounts of ACCOUNT_COUNTS) rows.push(await drain(accounts));
const pgbench = await pgbenchOnScratchDatabase();

console.log(
  `\nledger backlog ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ${ORDERS} orders × ${PER_ORDER} one-share executions, polling consumer, LedgerBatcher\n`,
);
console.log("| accounts | executions | applied in | executions/s | × pgbench | mean batch | statements / execution |");
console.log("|---:|---:|---:|---:|---:|---:|---:|");
for (const row of rows)
  console.log(
    `| ${row.accounts} | ${row.executions} | ${row.seconds.toFixed(1)} s | ${row.perSecond.toFixed(0)} | ${ratioTo(pgbench, row.perSecond)} | ${(row.executions / row.batches).toFixed(1)} | ${(row.statements / row.executions).toFixed(1)} |`,
  );
console.log(`\n${pgbench.note}`);
process.exit(0);
