import clsx from "clsx";
import { ORDER_FALLBACK_REFRESH_MS } from "./refresh";
import type { LiveState } from "./use-order-changes";

const FALLBACK_SECONDS = ORDER_FALLBACK_REFRESH_MS / 1000;

const LABEL: Record<LiveState, string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
};
const EXPLAIN: Record<LiveState, string> = {
  connecting: "Connecting to live order updates",
  live: "Order changes appear as they happen",
  reconnecting: `Live updates interrupted: reconnecting; the screen still refreshes every ${FALLBACK_SECONDS} seconds`,
  offline: `Live updates stopped: the screen refreshes every ${FALLBACK_SECONDS} seconds; reload to reconnect`,
};

/** A dot and a word in the header: whether order changes are arriving live. */
export function LiveIndicator({ state }: { state: LiveState }) {
  return (
    <span
      className="inline-flex items-center gap-1.5 text-neutral-400"
      data-testid="live-status"
      data-state={state}
      title={EXPLAIN[state]}
    >
      <span
        aria-hidden
        className={clsx("h-1.5 w-1.5 rounded-full", {
          "bg-emerald-400": state === "live",
          "animate-pulse bg-amber-400": state === "connecting" || state === "reconnecting",
          "bg-rose-400": state === "offline",
        })}
      />
      {LABEL[state]}
    </span>
  );
}
