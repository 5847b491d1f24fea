// The invariants role: the books' invariants checked continuously in production, not only by tests. Every
// `intervalMs` one incremental pass checks what changed since the last one (packages/core/src/invariants/pass.ts), and
// every `fullSweepMs` one pass checks everything. Violations are kept in invariant_violations for the console
// (/admin/invariants) and counted on GET /health. Several workers may run the role: one pass runs at a time.
import { runInvariantPass, sleep, type CoreServices, type InvariantsOptions, type PassResult } from "@meridian/core";
import type { Logger } from "pino";

export async function runInvariants(
  services: CoreServices,
  options: InvariantsOptions,
  signal: AbortSignal,
): Promise<void> {
  const logger = services.logger.child({ role: "invariants" });
  while (!signal.aborted) {
    let behind = false;
    try {
      const pass = await runInvariantPass(services.prisma, options);
      if (pass) report(logger, pass);
      behind = pass?.behind ?? false;
    } catch (error) {
      logger.error({ err: (error as Error).message }, "invariant pass failed");
    }
    // More changes wait than one pass reads: catch up at once rather than fall further behind.
    if (!behind) await sleep(options.intervalMs, signal);
  }
}

function report(logger: Logger, pass: PassResult): void {
  for (const violation of pass.opened) logger.error({ ...violation }, `invariant violated: ${violation.invariant}`);
  const figures = {
    kind: pass.kind,
    accountsChecked: pass.accountsChecked,
    ordersChecked: pass.ordersChecked,
    rowsRead: pass.rowsRead,
    open: pass.open,
    resolved: pass.resolved,
    ms: pass.durationMs,
  };
  if (pass.resolved) logger.info(figures, `invariant violations resolved: ${pass.resolved}`);
  else if (pass.kind === "full") logger.info(figures, "invariant full sweep");
  else logger.debug(figures, "invariant pass");
}
