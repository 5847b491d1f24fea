import { STATUS_CLASS, STATUS_LABEL, type OrderStatus } from "@/lib/order-status";
import { NEUTRAL_TONE, Pill } from "./pill";

export function StatusBadge({ status }: { status: string }) {
  const known = status in STATUS_LABEL ? (status as OrderStatus) : null;
  return (
    <Pill data-status={status} title={status} tone={known ? STATUS_CLASS[known] : NEUTRAL_TONE}>
      {known ? STATUS_LABEL[known] : status}
    </Pill>
  );
}
