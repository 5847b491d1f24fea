import type { OrderStatus } from "@meridian/db";

export const TERMINAL_STATUSES = [
  "FILLED",
  "CANCELLED",
  "REJECTED",
  "EXPIRED",
] as const satisfies readonly OrderStatus[];
/** Orders a customer may still cancel. */
export const OPEN_STATUSES = [
  "PENDING_NEW",
  "SUBMITTING",
  "ACCEPTED",
  "PARTIALLY_FILLED",
  "UNKNOWN",
  "PENDING_CANCEL",
  "NEEDS_ATTENTION",
] as const satisfies readonly OrderStatus[];

export function isTerminal(status: OrderStatus): boolean {
  return (TERMINAL_STATUSES as readonly OrderStatus[]).includes(status);
}
