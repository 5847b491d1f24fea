// The saga runner of one worker process (the `saga` role): every SAGA_POLL_MS it leases the sagas that are due — new
// ones, ones waiting for their order, retries, and the compensation registry's PENDING entries whose time has come —
// and advances each. Several processes can run it: the lease (sagas.lease_owner) gives each saga to one at a time.
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { CoreServices } from "../services";
import { sleep } from "../shared/sleep";
import type { AnySagaDefinition } from "./definition";
import { advanceSaga, type RunnerSettings } from "./runner";
import { claimDueSagas, LeasedSaga, LeaseLostError } from "./store";

/** Longer than any one step (a partner call times out well before), so a live runner never loses a lease mid-step. */
const LEASE_MS = 30_000;
const BATCH = 50;

export class SagaRunner {
  private readonly owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly definitions: Map<string, AnySagaDefinition>;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly services: CoreServices,
    definitions: AnySagaDefinition[],
    private readonly settings: RunnerSettings & { pollMs: number },
    private readonly logger: Logger = services.logger,
  ) {
    this.definitions = new Map(definitions.map((definition) => [definition.type, definition]));
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** Advances every saga due now, once; what the loop does each poll (tests call it directly). */
  async runDue(): Promise<number> {
    const due = await claimDueSagas(this.services.prisma, this.owner, { limit: BATCH, leaseMs: LEASE_MS });
    await Promise.all(due.map((saga) => this.advance(new LeasedSaga(this.services.prisma, saga, this.owner))));
    return due.length;
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const advanced = await this.runDue().catch((error: unknown) => {
        this.logger.warn({ err: error }, "saga runner: could not claim due sagas");
        return 0;
      });
      if (advanced < BATCH) await sleep(this.settings.pollMs, this.stopping.signal).catch(() => undefined);
    }
  }

  private async advance(leased: LeasedSaga): Promise<void> {
    const definition = this.definitions.get(leased.saga.type);
    if (!definition) {
      this.logger.error({ sagaId: leased.saga.id, type: leased.saga.type }, "saga runner: unknown saga type");
      return leased.release(new Date(Date.now() + 60_000));
    }
    try {
      await advanceSaga(leased, definition, this.services, this.settings);
    } catch (error) {
      if (error instanceof LeaseLostError) return this.logger.warn({ sagaId: leased.saga.id }, error.message);
      // Our own database failed between steps: nothing the saga did is lost (its rows say where it stands); try again.
      this.logger.warn({ err: error, sagaId: leased.saga.id }, "saga runner: advancing a saga failed; retrying soon");
      await leased.release(new Date(Date.now() + this.settings.retryBaseMs)).catch(() => undefined);
    }
  }
}
