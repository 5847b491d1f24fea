"use client";

import { useQuery } from "@tanstack/react-query";
import { DataTable } from "@/components/data-table";
import { Panel } from "@/components/panel";
import { dateTimeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";

const REFRESH_MS = 10_000;

/**
 * The last 50 failed and locked-out sign-ins from the audit log: many for one email is someone guessing its password,
 * many from one address is someone trying many emails.
 */
export function LoginFailuresPanel() {
  const trpc = useTRPC();
  const failures = useQuery({ ...trpc.admin.loginFailures.queryOptions(), refetchInterval: REFRESH_MS });
  const locked = failures.data?.filter((failure) => failure.outcome === "locked").length ?? 0;
  return (
    <Panel
      title="Recent sign-in failures"
      note={
        failures.data ? `last ${failures.data.length}${locked ? `, ${locked} refused while locked` : ""}` : undefined
      }
      testId="login-failures"
    >
      <div className="max-h-40 overflow-auto">
        <DataTable
          rows={failures.data}
          rowKey={(failure) => failure.id}
          rowProps={() => ({ "data-testid": "login-failure-row" })}
          empty="No failed sign-ins."
          columns={[
            { header: "When", className: "text-neutral-500", cell: (failure) => dateTimeText(failure.at) },
            { header: "Email", className: "font-mono text-[12px]", cell: (failure) => failure.email },
            {
              header: "Outcome",
              cell: (failure) =>
                failure.outcome === "locked" ? (
                  <span className="text-rose-700">locked out</span>
                ) : (
                  "wrong password or email"
                ),
            },
            { header: "Address", className: "font-mono text-[12px]", cell: (failure) => failure.ip ?? "—" },
            {
              header: "Browser",
              className: "max-w-64 truncate text-neutral-500",
              cell: (failure) => <span title={failure.userAgent ?? undefined}>{failure.userAgent ?? "—"}</span>,
            },
            { header: "Note", className: "text-neutral-500", cell: (failure) => failure.reason },
          ]}
        />
      </div>
    </Panel>
  );
}
