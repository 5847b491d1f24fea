import fc from "fast-check";
import { createHarness } from "../harness";
import { historyArbitrary } from "./steps";
import { openWorld } from "./world";
import { runStep } from "./runStep";
import { drain } from "./drain";
import { checkSettled } from "./check";

const h = await createHarness();
const samples = fc.sample(historyArbitrary, { numRuns: Number(process.env.N ?? 30), seed: Number(process.env.SEED ?? 42) });
const finals = new Map<string, number>();
const kinds = new Map<string, number>();
let failed = 0;
const t0 = performance.now();
for (const history of samples) {
  const world = await openWorld(h.services, history.broker);
  for (const step of history.steps) await runStep(world, step);
  const unsettled = await drain(world, history.lateArrivesAtEnd);
  const problems = await checkSettled(world);
  if (unsettled) problems.unshift(unsettled);
  const orders = await h.db.prisma.order.findMany({ where: { id: { in: world.orders } } });
  for (const o of orders) { const k = `${o.status}${o.filledQuantity.isZero() ? "" : "+fills"}`; finals.set(k, (finals.get(k) ?? 0) + 1); }
  const events = await h.db.prisma.orderEvent.groupBy({ by: ["kind"], where: { orderId: { in: world.orders } }, _count: true });
  for (const e of events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + e._count);
  if (problems.length) failed++;
  if (process.env.SHOW || (problems.length && process.env.SHOWFAIL)) console.log(world.trace.join("\n"), "\nPROBLEMS", problems, "\n");
}
console.log({ failed, ms: performance.now() - t0 });
console.log(finals);
console.log(kinds);
await h.close();
