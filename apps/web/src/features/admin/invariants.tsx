"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { DataTable, Missing } from "@/components/data-table";
import { MonoId } from "@/components/mono-id";
import { Panel } from "@/components/panel";
import { Pill } from "@/components/pill";
import { dateTimeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { OrderLink } from "./order-cells";
import { ConsolePage } from "./page-heading";
import type { InvariantChecker, InvariantViolation } from "./router-types";

const REFRESH_MS = 2000;
const BROKEN_TONE = "bg-rose-50 text-rose-800 ring-rose-200";
const RESOLVED_TONE = "bg-emerald-50 text-emerald-800 ring-emerald-200";

const count = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function AccountCell({ violation }: { violation: InvariantViolation }) {
  if (!violation.accountId) return <Missing />;
  return (
    <Link
      href={`/admin/accounts/${violation.accountId}`}
      className="font-mono text-[12px] hover:underline"
      data-testid="account-link"
    >
      {violation.accountNo ?? <MonoId id={violation.accountId} />}
    </Link>
  );
}

/** "last pass 14:03:05, incremental, 12 ms: 3 accounts, 5 orders (8 changes read) · full sweep 13:10:00, 840 ms" */
function CheckerFigures({ checker }: { checker: InvariantChecker | null }) {
  if (!checker) {
    return (
      <span data-testid="invariants-checker">
        No pass yet: the worker&apos;s invariants role has not run (it is on by default; see WORKER_ROLES).
      </span>
    );
  }
  return (
    <span data-testid="invariants-checker">
      Last pass {dateTimeText(checker.lastPassAt)}, {checker.lastPassKind}, {checker.lastPassMs} ms:{" "}
      {count(checker.accountsChecked, "account", "accounts")}, {count(checker.ordersChecked, "order", "orders")} checked
      ({count(checker.rowsRead, "change", "changes")} read)
      {checker.lastFullSweepAt && (
        <>
          {" "}
          · last full sweep {dateTimeText(checker.lastFullSweepAt)}, {checker.lastFullSweepMs} ms
        </>
      )}
    </span>
  );
}

function ViolationTable({
  title,
  violations,
  resolved,
  empty,
  testId,
}: {
  title: string;
  violations: InvariantViolation[] | undefined;
  resolved: boolean;
  empty: string;
  testId: string;
}) {
  return (
    <Panel title={title} note={<span className="num">{violations?.length ?? "…"}</span>}>
      <div className="overflow-auto">
        <DataTable
          testId={testId}
          emptyTestId={`${testId}-empty`}
          rows={violations}
          rowKey={(violation) => violation.id}
          rowProps={(violation) => ({
            "data-violation-id": violation.id,
            "data-invariant": violation.invariant,
            className: "align-top",
          })}
          empty={empty}
          columns={[
            {
              header: "Invariant",
              cell: (violation) => (
                <Pill tone={resolved ? RESOLVED_TONE : BROKEN_TONE} title={violation.meaning}>
                  {violation.invariant}
                </Pill>
              ),
            },
            { header: "Account", cell: (violation) => <AccountCell violation={violation} /> },
            { header: "Order", cell: (v) => (v.orderId ? <OrderLink orderId={v.orderId} /> : <Missing />) },
            {
              header: "What is wrong",
              className: "whitespace-normal text-neutral-700",
              cell: (violation) => <span data-testid="violation-message">{violation.message}</span>,
            },
            { header: "First seen", className: "text-neutral-500", cell: (v) => dateTimeText(v.firstSeenAt) },
            { header: "Last seen", className: "text-neutral-500", cell: (v) => dateTimeText(v.lastSeenAt) },
            resolved && {
              header: "Resolved",
              className: "text-neutral-500",
              cell: (violation) => dateTimeText(violation.resolvedAt),
            },
          ]}
        />
      </div>
    </Panel>
  );
}

export function Invariants() {
  const trpc = useTRPC();
  const report = useQuery({ ...trpc.admin.invariants.list.queryOptions(), refetchInterval: REFRESH_MS });
  const open = report.data?.open;

  return (
    <ConsolePage
      title="Invariants"
      query={report}
      status={
        <>
          {open?.length ?? 0} open {open?.length === 1 ? "violation" : "violations"}
        </>
      }
      explanationTestId="invariants-explanation"
      explanation={
        <>
          The worker checks the books continuously: balances equal the sum of their ledger entries, holds equal what
          open orders hold, filled quantities equal the executions the ledger booked, closed orders hold nothing, every
          execution is booked within its grace period, and no order is open here that the broker closed (as of the last
          reconciliation run). Each pass checks what changed since the last one; a full sweep checks everything. A
          violation stays open until a pass finds it fixed.
        </>
      }
    >
      <p className="num px-1 text-[12px] text-neutral-500">
        <CheckerFigures checker={report.data?.checker ?? null} />
      </p>
      <ViolationTable
        title="Open"
        violations={open}
        resolved={false}
        testId="invariants-open"
        empty="Nothing is broken. This list refreshes every 2 s."
      />
      <ViolationTable
        title="Resolved in the last 24 hours"
        violations={report.data?.resolved}
        resolved
        testId="invariants-resolved"
        empty="Nothing was resolved in the last 24 hours."
      />
    </ConsolePage>
  );
}
