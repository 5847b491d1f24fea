// broker_circuits: what every process must agree on about a broker, kept in PostgreSQL so that it holds with or
// without Redis — the operator's levers (a forced breaker state, a calls-per-second limit), which every gateway reads
// at most a second late, and the shared breaker's last state, mirrored by the gateway that saw the transition, which
// the console and the entry circuit read.
import type { PrismaClient } from "@meridian/db";
import type { BreakerState, ForcedState, Transition } from "./circuitBreaker";

export interface BrokerLevers {
  forced: ForcedState;
  /** Calls per second set by an operator; null: the configured BROKER_TPS. */
  tpsLimit: number | null;
}

const NO_LEVERS: BrokerLevers = { forced: null, tpsLimit: null };

/**
 * Every broker's row, read at most once per `maxAgeMs` by one process: the gateway's levers and the entry circuit read
 * the same cache. An unreadable table reads as no rows (closed, nothing forced): it must not stop calls or orders.
 */
export class CircuitCache {
  private rows: Promise<Map<string, CircuitRow>> | null = null;
  private readAt = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly maxAgeMs = 1000,
  ) {}

  all(): Promise<Map<string, CircuitRow>> {
    if (!this.rows || Date.now() - this.readAt > this.maxAgeMs) {
      this.readAt = Date.now();
      this.rows = readCircuits(this.prisma).catch(() => new Map());
    }
    return this.rows;
  }

  async levers(brokerId: string): Promise<BrokerLevers> {
    const row = (await this.all()).get(brokerId);
    return row ? { forced: row.forced, tpsLimit: row.tpsLimit } : NO_LEVERS;
  }
}

/**
 * Records where the shared breaker moved, for processes that cannot see Redis (or are not gateways). Two gateways may
 * report transitions out of order; the later one by time wins.
 */
export async function mirrorTransition(prisma: PrismaClient, brokerId: string, transition: Transition): Promise<void> {
  const at = new Date(transition.at);
  await prisma.$executeRaw`
    INSERT INTO broker_circuits (broker_id, state, state_since, state_reason)
    VALUES (${brokerId}, ${transition.to}, ${at}, ${transition.reason})
    ON CONFLICT (broker_id) DO UPDATE
       SET state = EXCLUDED.state, state_since = EXCLUDED.state_since, state_reason = EXCLUDED.state_reason,
           updated_at = now()
     WHERE broker_circuits.state_since <= EXCLUDED.state_since`;
}

export interface CircuitRow {
  brokerId: string;
  state: BreakerState;
  stateSince: Date;
  stateReason: string | null;
  forced: ForcedState;
  forcedBy: string | null;
  forcedReason: string | null;
  forcedAt: Date | null;
  tpsLimit: number | null;
}

/** Every broker's row (a broker never judged has none: closed, nothing forced). */
export async function readCircuits(prisma: PrismaClient): Promise<Map<string, CircuitRow>> {
  const rows = await prisma.brokerCircuit.findMany();
  return new Map(
    rows.map((row) => [
      row.brokerId,
      {
        brokerId: row.brokerId,
        state: row.state as BreakerState,
        stateSince: row.stateSince,
        stateReason: row.stateReason,
        forced: row.forcedState as ForcedState,
        forcedBy: row.forcedBy,
        forcedReason: row.forcedReason,
        forcedAt: row.forcedAt,
        tpsLimit: row.tpsLimit,
      },
    ]),
  );
}
