import Link from "next/link";
import { MonoId } from "@/components/mono-id";
import { StatusBadge } from "@/components/status-badge";
import { quantity } from "@/lib/format";

/** Table cells the console's order queues share. */

export function OrderLink({ orderId }: { orderId: string }) {
  return (
    <Link href={`/admin/orders/${orderId}`} className="hover:underline" data-testid="order-link">
      <MonoId id={orderId} />
    </Link>
  );
}

/** "BUY 3 AAPL atlas": side in its colour, the broker it went to in small print. */
export function OrderLine({
  side,
  qty,
  symbol,
  brokerId,
}: {
  side: string;
  qty: string;
  symbol: string;
  brokerId?: string;
}) {
  return (
    <>
      <span className={side === "BUY" ? "text-emerald-700" : "text-rose-700"}>{side}</span> {quantity(qty)}{" "}
      <span className="font-semibold">{symbol}</span>
      {brokerId && <span className="ml-1 font-mono text-[11px] text-neutral-400">{brokerId}</span>}
    </>
  );
}

/** The status badge and, cut to fit, why the order is in it; the whole reason on hover. */
export function StatusWithReason({ status, reason }: { status: string; reason: string | null }) {
  return (
    <span className="inline-flex max-w-56 items-center gap-1.5">
      <StatusBadge status={status} />
      <span className="truncate text-neutral-500" title={reason ?? undefined}>
        {reason ?? ""}
      </span>
    </span>
  );
}
