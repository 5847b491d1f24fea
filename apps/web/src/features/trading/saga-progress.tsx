import clsx from "clsx";
import type { FxSaga } from "./types";

type StepState = "done" | "active" | "todo" | "failed" | "warning";
type Indicator = { label: string; state: StepState }[];

/**
 * Where a saga stands as three (or two) dots: converting → placed → filled / refunded for a buy paid in won,
 * converting → exchanged for an exchange. The server's `phase` is the customer's word for it; this only places it.
 */
function indicatorOf(saga: Pick<FxSaga, "type" | "phase">): Indicator {
  const { phase } = saga;
  // A saga ends "failed" only before any money moved (the rate expired, the desk refused): the conversion failed.
  if (phase === "failed")
    return [
      { label: "converting", state: "failed" },
      ...(saga.type === "EXCHANGE" ? [] : [{ label: "placed", state: "todo" as const }]),
      { label: "failed", state: "failed" },
    ];
  const converting: StepState =
    phase === "converting" || phase === "checking the rate" || phase === "starting" ? "active" : "done";
  if (saga.type === "EXCHANGE") {
    return [
      { label: "converting", state: converting },
      { label: "exchanged", state: phase === "exchanged" ? "done" : "todo" },
    ];
  }
  const placed: StepState =
    converting === "active" ? "todo" : phase === "placing" || phase === "placed" ? "active" : "done";
  const last: Record<string, Indicator[number]> = {
    filled: { label: "filled", state: "done" },
    refunding: { label: "refunding", state: "active" },
    refunded: { label: "refunded", state: "done" },
    "refund delayed": { label: "refund delayed", state: "warning" },
  };
  return [
    { label: "converting", state: converting },
    { label: "placed", state: placed },
    last[phase] ?? { label: "filled", state: "todo" },
  ];
}

const DOT: Record<StepState, string> = {
  done: "bg-emerald-500",
  active: "animate-pulse bg-sky-500",
  todo: "bg-neutral-300",
  failed: "bg-rose-500",
  warning: "bg-amber-500",
};

/** A saga's phase as a small step indicator; the current phase is in words too, for people and tests. */
export function SagaProgress({ saga }: { saga: Pick<FxSaga, "type" | "phase"> }) {
  const steps = indicatorOf(saga);
  return (
    <ol
      className="flex items-center gap-1 text-[11px]"
      aria-label={`Progress: ${saga.phase}`}
      data-testid="saga-phase"
      data-phase={saga.phase}
    >
      {steps.map((step, index) => (
        <li key={step.label} className="flex items-center gap-1">
          {index > 0 && <span aria-hidden className="h-px w-3 bg-neutral-300" />}
          <span aria-hidden className={clsx("size-1.5 rounded-full", DOT[step.state])} />
          <span
            className={clsx(
              step.state === "todo" ? "text-neutral-400" : "text-neutral-700",
              step.label === saga.phase && "font-semibold",
            )}
          >
            {step.label}
          </span>
        </li>
      ))}
    </ol>
  );
}
