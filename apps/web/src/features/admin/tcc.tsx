import { NEUTRAL_TONE, Pill } from "@/components/pill";
import { dateTimeText, money, quantity } from "@/lib/format";
import { Field } from "./field";
import type { TccRecord } from "./router-types";

// Still reserving = amber (waiting on an answer), committed = blue, given back = grey.
const STATE_CLASS: Record<string, string> = {
  TRYING: "bg-amber-50 text-amber-800 ring-amber-200",
  TRIED: "bg-amber-50 text-amber-800 ring-amber-200",
  CONFIRMED: "bg-blue-50 text-blue-700 ring-blue-200",
  CANCELLED: "bg-neutral-100 text-neutral-600 ring-neutral-300",
  // A fee points branch whose end is sent to the points service until it acknowledges; refused needs a person.
  CONFIRMING: "bg-amber-50 text-amber-800 ring-amber-200",
  CANCELLING: "bg-amber-50 text-amber-800 ring-amber-200",
  REFUSED: "bg-rose-50 text-rose-700 ring-rose-200",
};

export function TccStateBadge({ state }: { state: string }) {
  return (
    <Pill data-state={state} tone={STATE_CLASS[state] ?? NEUTRAL_TONE}>
      {state}
    </Pill>
  );
}

/** What a participant reserved, in its own unit: dollars, shares or points. */
export function fenceAmount(participant: string, amount: string): string {
  if (participant === "CASH") return `$${money(amount)}`;
  if (participant === "SHARES") return `${quantity(amount)} sh`;
  if (participant === "POINTS") return `${quantity(amount)} pt`;
  return amount;
}

/** "CASH TRIED · POINTS TRIED", compact for a table cell; what each reserved shows on hover. */
export function FenceStates({ fences }: { fences: { participant: string; state: string; amount: string }[] }) {
  if (fences.length === 0) return <span className="text-neutral-400">none</span>;
  return (
    <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-0.5">
      {fences.map((fence) => (
        <span
          key={fence.participant}
          className="inline-flex items-center gap-1"
          data-participant={fence.participant}
          title={`${fence.participant} reserved ${fenceAmount(fence.participant, fence.amount)}`}
        >
          <span className="text-[11px] font-medium text-neutral-600">{fence.participant}</span>
          <TccStateBadge state={fence.state} />
        </span>
      ))}
    </span>
  );
}

/** The order's TCC transaction: what it reserved with each participant and whether that was kept or given back. */
export function TccBox({ tcc }: { tcc: TccRecord | null }) {
  return (
    <section className="panel" aria-label="Reservation (TCC)" data-testid="tcc">
      <div className="panel-title">
        <span>Reservation (TCC)</span>
        {tcc && <TccStateBadge state={tcc.status} />}
      </div>
      {!tcc ? (
        <p className="p-3 text-neutral-500">
          No reservation record for this order, so nothing is held for it through TCC.
        </p>
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-2 p-3 sm:grid-cols-4">
            <Field label="Status">
              <span data-testid="tcc-status">{tcc.status}</span>
            </Field>
            <Field label="Deadline">{dateTimeText(tcc.deadline)}</Field>
            <Field label="Escalated">{tcc.escalatedAt ? dateTimeText(tcc.escalatedAt) : "—"}</Field>
            <Field label="Resolved by">{tcc.resolvedBy ?? "—"}</Field>
            <div className="col-span-2 sm:col-span-4">
              <Field label="Resolution">
                <span title={tcc.resolution ?? undefined}>{tcc.resolution ?? "—"}</span>
              </Field>
            </div>
          </dl>
          <table className="data-table" data-testid="tcc-fences">
            <thead>
              <tr>
                <th>Participant</th>
                <th className="r">Reserved</th>
                <th>Fence</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {tcc.fences.map((fence) => (
                <tr key={fence.participant} data-participant={fence.participant} data-state={fence.state}>
                  <td className="font-medium">{fence.participant}</td>
                  <td className="r">{fenceAmount(fence.participant, fence.amount)}</td>
                  <td>
                    <TccStateBadge state={fence.state} />
                  </td>
                  <td className="text-neutral-500">{dateTimeText(fence.updatedAt)}</td>
                </tr>
              ))}
              {tcc.branches.map((branch) => (
                <tr key={branch.branchId} data-participant="POINTS" data-state={branch.state}>
                  <td className="font-medium" title="Held by the fee points service, over HTTP">
                    POINTS <span className="font-normal text-neutral-500">(points service)</span>
                  </td>
                  <td className="r">{fenceAmount("POINTS", branch.points)}</td>
                  <td>
                    <TccStateBadge state={branch.state} />
                    <span className="ml-2 text-[12px] text-neutral-500">
                      spent {quantity(branch.spent)} pt
                      {branch.attempts > 0 ? ` · ${branch.attempts} sends` : ""}
                      {branch.lastError ? ` · ${branch.lastError}` : ""}
                    </span>
                  </td>
                  <td className="text-neutral-500">{dateTimeText(branch.updatedAt)}</td>
                </tr>
              ))}
              {tcc.fences.length === 0 && tcc.branches.length === 0 && (
                <tr>
                  <td colSpan={4} className="text-neutral-500">
                    No participant has reserved anything yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
