// Where a saga stands, in the customer's words: the phase of the step it is in (converting, placed, refunding), or
// how it ended (filled, exchanged, refunded, failed). The console shows the steps themselves.
import type { SagaView } from "../saga/queries";
import { buyWithWonSaga } from "./buyWithWon";
import { exchangeSaga } from "./exchange";

const DEFINITIONS = new Map([buyWithWonSaga, exchangeSaga].map((definition) => [definition.type, definition]));

export const FX_SAGA_DEFINITIONS = [buyWithWonSaga, exchangeSaga];

export function phaseOf(saga: SagaView): string {
  switch (saga.status) {
    case "COMPLETED":
      return saga.type === exchangeSaga.type ? "exchanged" : "filled";
    case "COMPENSATED":
      return "refunded";
    case "FAILED":
      return "failed";
    case "NEEDS_OPERATOR":
      return "refund delayed";
  }
  const definition = DEFINITIONS.get(saga.type);
  const running = [...saga.steps].reverse().find((step) => step.status !== "DONE");
  const phases = new Map(
    definition?.steps.flatMap((step) => [
      [step.name, step.phase] as const,
      ...(step.compensation ? [[step.compensation.name, step.compensation.phase] as const] : []),
    ]) ?? [],
  );
  return (running && phases.get(running.name)) ?? "starting";
}

export function withPhase(saga: SagaView): SagaView & { phase: string } {
  return { ...saga, phase: phaseOf(saga) };
}
