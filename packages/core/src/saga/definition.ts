// What a saga is, as its definition file reads: a list of steps run top to bottom, each with an optional compensation
// registered once the step has succeeded and run last-in-first-out when the saga cannot finish (Temporal's saga
// sample; Garcia-Molina & Salem, "Sagas"). The engine (runner.ts) persists every step's start and end, so a saga
// resumes after a crash from the step it was in; each step and compensation gets an idempotency key derived from the
// saga and its own name (`ctx.key`), which is what makes running a step twice harmless.
import type { CoreServices } from "../services";

/** What a step or compensation sees. `state` is everything earlier steps returned, merged in order. */
export interface SagaContext<Input, State> {
  sagaId: string;
  accountId: string;
  input: Input;
  state: Partial<State>;
  services: CoreServices;
  /** This step's try number, from 1. */
  attempt: number;
  /** A stable UUID for (this saga, `name`): the idempotency key a partner knows this step's request by. */
  key(name: string): string;
}

export type StepResult<State> =
  /** Done: merged into the saga's state; `orderId` links the saga to the order it placed. */
  | { done: Partial<State>; orderId?: string }
  /** Not yet (an order still open): ask again after `ms`. */
  | { waitMs: number; note: string };

export interface SagaStep<Input, State> {
  name: string;
  /** What the customer's progress line says while this step runs ("converting", "placed"). */
  phase: string;
  run(ctx: SagaContext<Input, State>): Promise<StepResult<State>>;
  /**
   * When a step fails without an answer (the partner is down, a timeout): "compensate" gives up after
   * SAGA_STEP_MAX_ATTEMPTS, which is right only where giving up cannot leave work half-done at a partner; "retry" (the
   * default) never gives up, because an outcome we do not know is never assumed.
   */
  whenUnanswered?: "compensate" | "retry";
  compensation?: SagaCompensation<Input, State>;
}

export interface SagaCompensation<Input, State> {
  name: string;
  phase: string;
  /** Returns what it did, merged into the saga's state (the customer's outcome line reads it). */
  run(ctx: SagaContext<Input, State>): Promise<Partial<State>>;
}

export interface SagaDefinition<Input, State> {
  type: string;
  steps: SagaStep<Input, State>[];
  /** The sentence the customer and the console read once the saga has ended. */
  outcome(end: {
    status: "COMPLETED" | "COMPENSATED" | "FAILED";
    failure: string | null;
    state: Partial<State>;
  }): string;
}

/**
 * A definite "no" (the quote expired, the order was refused, the order ended unfilled): the saga stops going forward
 * and compensates. Any other error is a failure to get an answer and is retried.
 */
export class StepFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StepFailed";
  }
}

/**
 * A compensation that must not be retried by the scheduler (the partner refused it for good): it goes to an operator
 * at once.
 */
export class CompensationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CompensationRefused";
  }
}

// The definitions are registered by type name: the runner finds a stored saga's definition by its `type`.
export type AnySagaDefinition = SagaDefinition<any, any>;
