"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { MonoId } from "@/components/mono-id";
import { Pill } from "@/components/pill";
import { dateTimeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { OrderLink } from "./order-cells";
import { PageHeading, PollStatus } from "./page-heading";
import type { InvariantChecker, InvariantViolation } from "./router-types";

const REFRESH_MS = 2000;
const BROKEN_TONE = "bg-rose-50 text-rose-800 ring-rose-200";
const RESOLVED_TONE = "bg-emerald-50 text-emerald-800 ring-emerald-200";

const count = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function Missing() {
  return <span className="text-neutral-400">—</span>;
}

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

function ViolationRows({ violations, resolved }: { violations: InvariantViolation[]; resolved: boolean }) {
  return (
    <>
      {violations.map((violation) => (
        <tr
          key={violation.id}
          data-violation-id={violation.id}
          data-invariant={violation.invariant}
          className="align-top"
        >
          <td>
            <Pill tone={resolved ? RESOLVED_TONE : BROKEN_TONE} title={violation.meaning}>
              {violation.invariant}
            </Pill>
          </td>
          <td>
            <AccountCell violation={violation} />
          </td>
          <td>{violation.orderId ? <OrderLink orderId={violation.orderId} /> : <Missing />}</td>
          <td className="whitespace-normal text-neutral-700" data-testid="violation-message">
            {violation.message}
          </td>
          <td className="text-neutral-500">{dateTimeText(violation.firstSeenAt)}</td>
          <td className="text-neutral-500">{dateTimeText(violation.lastSeenAt)}</td>
          {resolved && <td className="text-neutral-500">{dateTimeText(violation.resolvedAt)}</td>}
        </tr>
      ))}
    </>
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
    <section className="panel" aria-label={title}>
      <div className="panel-title">
        {title}
        <span className="num normal-case">{violations?.length ?? "…"}</span>
      </div>
      <div className="overflow-auto">
        <table className="data-table" data-testid={testId}>
          <thead>
            <tr>
              <th>Invariant</th>
              <th>Account</th>
              <th>Order</th>
              <th>What is wrong</th>
              <th>First seen</th>
              <th>Last seen</th>
              {resolved && <th>Resolved</th>}
            </tr>
          </thead>
          <tbody>
            {violations && <ViolationRows violations={violations} resolved={resolved} />}
            {violations?.length === 0 && (
              <tr>
                <td colSpan={resolved ? 7 : 6} className="text-neutral-500" data-testid={`${testId}-empty`}>
                  {empty}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Invariants() {
  const trpc = useTRPC();
  const report = useQuery({ ...trpc.admin.invariants.list.queryOptions(), refetchInterval: REFRESH_MS });
  const open = report.data?.open;

  return (
    <main className="flex min-h-0 flex-1 flex-col gap-2 p-2">
      <PageHeading
        title="Invariants"
        status={
          <PollStatus query={report}>
            {open?.length ?? 0} open {open?.length === 1 ? "violation" : "violations"}
          </PollStatus>
        }
      >
        <p className="mt-0.5 text-[12.5px] text-neutral-600" data-testid="invariants-explanation">
          The worker checks the books continuously: balances equal the sum of their ledger entries, holds equal what
          open orders hold, filled quantities equal the executions the ledger booked, closed orders hold nothing, every
          execution is booked within its grace period, and no order is open here that the broker closed (as of the last
          reconciliation run). Each pass checks what changed since the last one; a full sweep checks everything. A
          violation stays open until a pass finds it fixed.
        </p>
        <p className="num mt-0.5 text-[12px] text-neutral-500">
          <CheckerFigures checker={report.data?.checker ?? null} />
        </p>
      </PageHeading>
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
    </main>
  );
}
