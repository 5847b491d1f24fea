import { NEUTRAL_TONE, Pill } from "@/components/pill";
import { SAGA_STATUS_LABEL, SAGA_STATUS_TONE, STEP_STATUS_TONE } from "./saga-labels";

export function SagaStatusBadge({ status }: { status: string }) {
  const known = status in SAGA_STATUS_LABEL ? (status as keyof typeof SAGA_STATUS_LABEL) : null;
  return (
    <Pill data-status={status} title={status} tone={known ? SAGA_STATUS_TONE[known] : NEUTRAL_TONE}>
      {known ? SAGA_STATUS_LABEL[known] : status}
    </Pill>
  );
}

export function StepStatusBadge({ status }: { status: string }) {
  return (
    <Pill data-status={status} tone={STEP_STATUS_TONE[status] ?? NEUTRAL_TONE}>
      {status}
    </Pill>
  );
}
