// At-least-once delivery of execution webhooks to the receiver. Each order has its own queue so its executions arrive
// in the order they happened (unless the reorder fault says otherwise); a failed delivery is retried with exponential
// backoff and holds back the executions behind it, never overtaken by them.
import type { BrokerExecution } from "@meridian/core/broker";
import { signWebhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from "@meridian/core/broker";
import { sleep } from "@meridian/core/sleep";
import type { Logger } from "pino";
import type { FaultState } from "./faults";
import { chance, type Random } from "./random";
import type { BrokerStats } from "./stats";

export interface DeliveryOptions {
  brokerId: string;
  receiverUrl: string;
  secret: string;
  faults: FaultState;
  stats: BrokerStats;
  random: Random;
  logger: Logger;
  maxAttempts?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  attemptTimeoutMs?: number;
}

export class WebhookDelivery {
  private readonly url: string;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly attemptTimeoutMs: number;
  /** Tail of each order's delivery chain, keyed by clientOrderId. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Executions held back by the reorder fault until their order is done. */
  private readonly held = new Map<string, BrokerExecution[]>();
  private readonly stopping = new AbortController();
  private unpaused: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(private readonly options: DeliveryOptions) {
    this.url = `${options.receiverUrl.replace(/\/+$/, "")}/brokers/${encodeURIComponent(options.brokerId)}/executions`;
    this.maxAttempts = options.maxAttempts ?? 20;
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;
    options.faults.onChange((faults) => {
      if (!faults.pauseExecutions) this.releasePause();
      if (!faults.reorderExecutions) for (const clientOrderId of [...this.held.keys()]) this.flushHeld(clientOrderId);
    });
  }

  /** Queues one execution; `last` says the order will produce no more. */
  enqueue(execution: BrokerExecution, last: boolean): void {
    const { faults, random } = this.options;
    const copies = chance(random, faults.current.duplicateExecutionRate) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      if (faults.current.reorderExecutions) this.hold(execution);
      else this.append(execution);
    }
    if (last) this.orderDone(execution.clientOrderId);
  }

  /** The order will produce no more executions (filled or cancelled): release anything the reorder fault held. */
  orderDone(clientOrderId: string): void {
    this.flushHeld(clientOrderId);
  }

  /** Resolves when every queued delivery has finished (delivered, refused or given up). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()]);
  }

  stop(): void {
    this.stopping.abort();
    this.releasePause();
  }

  private hold(execution: BrokerExecution): void {
    const held = this.held.get(execution.clientOrderId) ?? [];
    held.push(execution);
    this.held.set(execution.clientOrderId, held);
  }

  private flushHeld(clientOrderId: string): void {
    const held = this.held.get(clientOrderId);
    if (!held) return;
    this.held.delete(clientOrderId);
    for (const execution of held.reverse()) this.append(execution);
  }

  private append(execution: BrokerExecution): void {
    const key = execution.clientOrderId;
    this.options.stats.deliveriesPending++;
    const tail = (this.queues.get(key) ?? Promise.resolve())
      .then(() => this.deliver(execution))
      // Never let one failure break the chain: the executions behind it must still go out.
      .catch((error: unknown) =>
        this.options.logger.error({ err: error, execId: execution.execId }, "delivery crashed"),
      )
      .finally(() => this.options.stats.deliveriesPending--);
    this.queues.set(key, tail);
    void tail.finally(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
  }

  private async deliver(execution: BrokerExecution): Promise<void> {
    const { secret, stats, logger } = this.options;
    const rawBody = JSON.stringify(execution);
    const log = logger.child({ execId: execution.execId, clientOrderId: execution.clientOrderId });
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      await this.waitWhilePaused();
      if (this.stopping.signal.aborted) return;
      // Signed per attempt: a retry an hour later must not carry a stale timestamp.
      const timestamp = Date.now();
      try {
        const response = await fetch(this.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
            [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, timestamp, rawBody),
          },
          body: rawBody,
          signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.attemptTimeoutMs)]),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          stats.executionsSent++;
          log.debug({ attempt }, "execution delivered");
          return;
        }
        stats.webhookFailures++;
        if (response.status < 500) {
          log.error({ status: response.status, attempt }, "receiver refused the execution; not retrying");
          return;
        }
        log.warn({ status: response.status, attempt }, "receiver failed; will retry");
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        stats.webhookFailures++;
        log.warn({ err: error, attempt }, "execution delivery failed; will retry");
      }
      if (attempt < this.maxAttempts) await sleep(this.backoffMs(attempt), this.stopping.signal);
    }
    stats.webhooksAbandoned++;
    log.error({ attempts: this.maxAttempts }, "gave up delivering the execution");
  }

  /** 200, 400, 800 … ms, capped at 5 s, with ±20% jitter so retries from many orders spread out. */
  private backoffMs(attempt: number): number {
    const base = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempt - 1));
    return Math.round(base * (0.8 + 0.4 * this.options.random()));
  }

  private async waitWhilePaused(): Promise<void> {
    while (this.options.faults.current.pauseExecutions && !this.stopping.signal.aborted) {
      if (!this.unpaused) {
        let resolve!: () => void;
        const promise = new Promise<void>((settle) => (resolve = settle));
        this.unpaused = { promise, resolve };
      }
      await this.unpaused.promise;
    }
  }

  private releasePause(): void {
    this.unpaused?.resolve();
    this.unpaused = null;
  }
}
