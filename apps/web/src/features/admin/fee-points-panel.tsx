"use client";

import { useQuery } from "@tanstack/react-query";
import { DataTable } from "@/components/data-table";
import { Panel } from "@/components/panel";
import { dateTimeText, quantity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { TccStateBadge } from "./tcc";

const REFRESH_MS = 5_000;

/**
 * The fee points branch lives in the points service (its own process and database). Here: the Confirms and Cancels
 * it has not acknowledged yet — resent with backoff until it does, so a growing attempt count means the service is
 * down — and our records against the service's own report. Nothing here needs a decision unless a row is REFUSED or a
 * mismatch shows.
 */
export function FeePointsPanel() {
  const trpc = useTRPC();
  const branches = useQuery({ ...trpc.admin.feePoints.branches.queryOptions(), refetchInterval: REFRESH_MS });
  const reconciliation = useQuery({
    ...trpc.admin.feePoints.reconciliation.queryOptions(),
    refetchInterval: REFRESH_MS,
    retry: false,
  });
  const mismatches = reconciliation.data?.mismatches ?? [];
  return (
    <Panel
      title="Fee points service"
      note={
        reconciliation.error
          ? reconciliation.error.message
          : reconciliation.data
            ? `${reconciliation.data.checked} branches compared, ${reconciliation.data.inFlight} in flight, ${mismatches.length} mismatched`
            : undefined
      }
      testId="fee-points-panel"
    >
      <div className="max-h-64 overflow-auto">
        <DataTable
          rows={branches.data}
          rowKey={(branch) => `${branch.transactionId}/${branch.branchId}`}
          rowProps={(branch) => ({ "data-testid": "fee-points-branch", "data-state": branch.state })}
          empty="Every Confirm and Cancel has been acknowledged by the points service."
          columns={[
            { header: "Account", className: "font-mono text-[12px]", cell: (branch) => branch.accountNo },
            { header: "State", cell: (branch) => <TccStateBadge state={branch.state} /> },
            { header: "Reserved", numeric: true, cell: (branch) => `${quantity(branch.points)} pt` },
            { header: "Spent", numeric: true, cell: (branch) => `${quantity(branch.spent)} pt` },
            { header: "Attempts", numeric: true, cell: (branch) => branch.attempts },
            {
              header: "Next try",
              className: "text-neutral-500",
              cell: (branch) => (branch.nextAttemptAt ? dateTimeText(branch.nextAttemptAt) : "—"),
            },
            {
              header: "Last error",
              className: "max-w-80 truncate text-neutral-500",
              cell: (branch) => <span title={branch.lastError ?? undefined}>{branch.lastError ?? "—"}</span>,
            },
          ]}
        />
      </div>
      {mismatches.length > 0 && (
        <ul className="border-t border-neutral-200 p-3 text-[12px] text-rose-700" data-testid="fee-points-mismatches">
          {mismatches.map((mismatch) => (
            <li key={mismatch.transactionId}>
              <span className="font-mono">{mismatch.transactionId.slice(0, 8)}</span> {mismatch.problem} (ours{" "}
              {mismatch.ours?.state ?? "none"}, service {mismatch.theirs?.state ?? "none"})
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
