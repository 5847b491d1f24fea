"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { dateTimeText } from "@/lib/format";
import { useTRPCClient } from "@/trpc/client";
import { DecisionQueue } from "../decision-queue/decision-queue";
import type { QueueConfig } from "../decision-queue/types";
import type { AdminSaga, AdminSagaStep, CompensationDecisionInput, CompensationDecisionResult } from "../router-types";
import { StepStatusBadge } from "./saga-badges";
import { DECIDABLE_STEP } from "./saga-labels";

type Decision = "RETRY" | "RESOLVE";
type DecisionInput = CompensationDecisionInput & { decision: Decision };

const DECISIONS = [
  { value: "RETRY", label: "Retry now" },
  { value: "RESOLVE", label: "Resolve by hand" },
] as const;

/** The timeline's order: the forward steps as they ran, then the compensations as they ran. */
export function timelineOf(saga: AdminSaga): AdminSagaStep[] {
  const bySeq = (a: AdminSagaStep, b: AdminSagaStep) => a.seq - b.seq;
  return [
    ...saga.steps.filter((step) => step.kind !== "COMPENSATION").sort(bySeq),
    ...saga.steps.filter((step) => step.kind === "COMPENSATION").sort(bySeq),
  ];
}

const column = createColumnHelper<AdminSagaStep>();
const dim = (text: string) => <span className="text-neutral-500">{text}</span>;

const columns = [
  column.accessor("kind", {
    header: "Kind",
    enableSorting: false,
    cell: (c) => (c.getValue() === "COMPENSATION" ? <span className="text-amber-800">compensation</span> : "forward"),
  }),
  column.accessor("name", {
    header: "Step",
    enableSorting: false,
    cell: (c) => <span className="font-medium">{c.getValue()}</span>,
  }),
  column.accessor("status", {
    header: "Status",
    enableSorting: false,
    cell: (c) => <StepStatusBadge status={c.getValue()} />,
  }),
  column.accessor("attempts", { header: "Attempts", enableSorting: false, meta: { numeric: true } }),
  column.accessor("lastError", {
    header: "Last error",
    enableSorting: false,
    cell: (c) => <div className="max-w-96 whitespace-normal text-rose-700">{c.getValue() ?? ""}</div>,
  }),
  column.accessor("startedAt", {
    header: "Started",
    enableSorting: false,
    cell: (c) => dim(dateTimeText(c.getValue())),
  }),
  column.accessor("endedAt", { header: "Ended", enableSorting: false, cell: (c) => dim(dateTimeText(c.getValue())) }),
  column.accessor("nextAttemptAt", {
    header: "Next attempt",
    enableSorting: false,
    cell: (c) => dim(c.getValue() ? dateTimeText(c.getValue()) : "—"),
  }),
  column.accessor("resolvedBy", {
    header: "Resolved by · why",
    enableSorting: false,
    cell: ({ row: { original: step } }) =>
      step.resolvedBy ? (
        <div className="max-w-72 whitespace-normal">
          <span className="font-mono text-[12px]">{step.resolvedBy}</span>
          {step.resolvedReason && <span className="text-neutral-600"> · {step.resolvedReason}</span>}
        </div>
      ) : (
        dim("—")
      ),
  }),
];

/**
 * A saga's steps as a timeline, and the compensation registry's decisions: a compensation still PENDING or waiting for
 * an operator can be retried now or resolved by hand, each with a reason kept in the audit log.
 */
export function SagaSteps({
  saga,
  query,
}: {
  saga: AdminSaga;
  query: { isPending: boolean; isError: boolean; error: { message: string } | null };
}) {
  const trpcClient = useTRPCClient();
  const steps = useMemo(() => timelineOf(saga), [saga]);
  const config = useMemo((): QueueConfig<AdminSagaStep, Decision, DecisionInput, CompensationDecisionResult> => {
    return {
      label: "Saga steps",
      testIds: {
        table: "saga-steps",
        empty: "saga-steps-empty",
        form: "compensation-form",
        success: "compensation-success",
      },
      noun: { one: "step", many: "steps" },
      rowId: (step) => step.name,
      rowData: (step) => ({ "data-step": step.name, "data-kind": step.kind, "data-status": step.status }),
      columns,
      decisions: (step) => (step.kind === "COMPENSATION" && DECIDABLE_STEP.has(step.status) ? DECISIONS : []),
      decisionColumn: { header: "Decision" },
      form: (step, decision) =>
        decision === "RETRY"
          ? {
              summary: (
                <>
                  <span className="font-semibold">Retry now</span> {step.name}: the saga runner tries it again within a
                  second; if it fails again it goes back to retrying with backoff.
                </>
              ),
              submitLabel: "Retry now",
            }
          : {
              summary: (
                <>
                  <span className="font-semibold">Resolve by hand</span> {step.name}: record that it was settled outside
                  Meridian (or is not needed). Nothing is sent to the FX desk; the saga moves on.
                </>
              ),
              submitLabel: "Resolve by hand",
              destructive: true,
            },
      placeholder: "e.g. FX desk is back up",
      decide: {
        options: {
          // Two procedures behind one queue: the decision picks which one the reason goes to.
          mutationFn: ({ decision, ...input }: DecisionInput) =>
            decision === "RETRY"
              ? trpcClient.admin.sagas.retryCompensation.mutate(input)
              : trpcClient.admin.sagas.resolveCompensation.mutate(input),
        },
        input: (step, decision, reason) => ({ decision, sagaId: saga.id, step: step.name, reason }),
        done: (result: CompensationDecisionResult, decision) =>
          decision === "RETRY"
            ? `${result.step} is retried now: watch its status here.`
            : `${result.step} is resolved by hand; the saga finishes its remaining compensations.`,
      },
      loading: "Loading the steps…",
      empty: "No step has started yet: the saga runner picks it up within a second.",
    };
  }, [trpcClient, saga.id]);

  return <DecisionQueue config={config} query={{ ...query, data: steps }} refreshSeconds={2} />;
}
