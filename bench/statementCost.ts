// What one SQL statement costs the Node process, by the way it is sent: the `pg` driver alone, a Prisma typed query,
// a Prisma raw query, and a Prisma interactive transaction around two raw statements. On two cores shared with
// PostgreSQL, the Node process's CPU per statement is what bounds the order and execution paths (docs/benchmarks.md).
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:statement
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createTestDatabase } from "@meridian/db/testing";

const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const ACCOUNT_ID = "00000000-0000-0000-0000-000000000001";

if (!process.env.DATABASE_URL) {
  console.error("Set DATABASE_URL: this benchmark measures statements against PostgreSQL.");
  process.exit(2);
}

interface Row {
  how: string;
  statements: number;
  wallUs: number;
  cpuUs: number;
}

/** Mean wall and CPU time of `call`, after a warm-up, over CALLS sequential calls. */
async function measure(how: string, statements: number, call: () => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < 300; i++) await call();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await call();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    how,
    statements,
    wallUs: ((performance.now() - started) * 1000) / CALLS,
    cpuUs: (cpu.user + cpu.system) / CALLS,
  };
}

const db = await createTestDatabase({ seed: false });
const client = new pg.Client({ connectionString: db.url });
await client.connect();
const rows: Row[] = [];
try {
  const prisma = db.prisma;
  rows.push(
    await measure("pg driver, one SELECT", 1, () =>
      client.query("SELECT id FROM accounts WHERE id = $1", [ACCOUNT_ID]),
    ),
  );
  rows.push(
    await measure("Prisma findUnique", 1, () =>
      prisma.account.findUnique({ where: { id: ACCOUNT_ID }, select: { id: true } }),
    ),
  );
  rows.push(
    await measure(
      "Prisma $queryRaw, one SELECT",
      1,
      () => prisma.$queryRaw`SELECT id FROM accounts WHERE id = ${ACCOUNT_ID}::uuid`,
    ),
  );
  rows.push(
    await measure("pg driver, BEGIN + 2 SELECT + COMMIT", 4, async () => {
      await client.query("BEGIN");
      await client.query("SELECT 1");
      await client.query("SELECT 2");
      await client.query("COMMIT");
    }),
  );
  rows.push(
    await measure("Prisma $transaction, 2 $queryRaw", 4, () =>
      prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        await tx.$queryRaw`SELECT 2`;
      }),
    ),
  );
} finally {
  await client.end();
  await db.drop();
}

const baseline = rows[0]!.cpuUs;
console.log(
  `\nstatement cost ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ${CALLS} sequential calls each, one connection\n`,
);
console.log("| how | statements | wall µs / call | Node CPU µs / call | Node CPU ÷ pg driver per statement |");
console.log("|---|---:|---:|---:|---:|");
for (const row of rows)
  console.log(
    `| ${row.how} | ${row.statements} | ${row.wallUs.toFixed(0)} | ${row.cpuUs.toFixed(0)} | ${(row.cpuUs / row.statements / baseline).toFixed(1)}× |`,
  );
process.exit(0);
