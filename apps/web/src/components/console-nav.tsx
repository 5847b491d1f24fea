"use client";

import { useQuery } from "@tanstack/react-query";
import clsx from "clsx";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { useTRPC } from "@/trpc/client";

const REFRESH_MS = 2000;

function NavLink({ href, active, children }: { href: string; active: boolean; children: ReactNode }) {
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={clsx(
        "inline-flex h-7 items-center gap-1.5 rounded px-2 text-xs",
        active ? "bg-neutral-700 text-white" : "text-neutral-300 hover:bg-neutral-800",
      )}
    >
      {children}
    </Link>
  );
}

/** How many rows a queue holds; amber while any wait. */
function CountBadge({ count, testId, title }: { count: number | undefined; testId: string; title: string }) {
  if (count === undefined) return null;
  return (
    <span
      data-testid={testId}
      title={title}
      className={clsx(
        "num inline-flex min-w-4 justify-center rounded-full px-1 text-[11px] leading-4 font-semibold",
        count > 0 ? "bg-amber-400 text-neutral-900" : "bg-neutral-700 text-neutral-300",
      )}
    >
      {count}
    </span>
  );
}

const SECTIONS = [
  "/admin/pending",
  "/admin/attention",
  "/admin/quarantine",
  "/admin/invariants",
  "/admin/brokers",
  "/admin/recon",
  "/admin/sagas",
] as const;

/**
 * The operator console's sections; Pending and Attention show how many orders wait there, Quarantine how many refusals
 * wait for a review, Invariants how many broken invariants are open, Sagas how many refunds wait for an operator.
 */
export function ConsoleNav() {
  const trpc = useTRPC();
  const pathname = usePathname();
  // Same queries as the Pending and Attention pages, so the badges and the lists never disagree. The Quarantine's
  // entries carry their bodies: its badge asks for the count of open ones only.
  const pending = useQuery({ ...trpc.admin.pending.list.queryOptions(), refetchInterval: REFRESH_MS });
  const attention = useQuery({ ...trpc.admin.attention.list.queryOptions(), refetchInterval: REFRESH_MS });
  const quarantineOpen = useQuery({ ...trpc.admin.quarantine.openCount.queryOptions(), refetchInterval: REFRESH_MS });
  const invariantsOpen = useQuery({ ...trpc.admin.invariants.openCount.queryOptions(), refetchInterval: REFRESH_MS });
  const pendingCount = pending.data?.length;
  const attentionCount = attention.data?.length;
  const quarantineCount = quarantineOpen.data;
  const invariantsCount = invariantsOpen.data;
  const sagaCounts = useQuery({ ...trpc.admin.sagas.counts.queryOptions(), refetchInterval: REFRESH_MS });
  const sagasWaiting = sagaCounts.data ? ((sagaCounts.data as Record<string, number>).NEEDS_OPERATOR ?? 0) : undefined;
  const section = SECTIONS.find((prefix) => pathname.startsWith(prefix));
  // Orders is home for everything else in the console: the list, an order, an account.
  const on = (prefix: (typeof SECTIONS)[number] | null) => (section ?? null) === prefix;

  return (
    <nav className="flex items-center gap-1" aria-label="Console">
      <NavLink href="/admin" active={on(null)}>
        Orders
      </NavLink>
      <NavLink href="/admin/pending" active={on("/admin/pending")}>
        Pending
        <CountBadge
          count={pendingCount}
          testId="pending-count"
          title={`${pendingCount} ${pendingCount === 1 ? "order waits" : "orders wait"} for an operator's decision`}
        />
      </NavLink>
      <NavLink href="/admin/attention" active={on("/admin/attention")}>
        Attention
        <CountBadge
          count={attentionCount}
          testId="attention-count"
          title={`${attentionCount} ${attentionCount === 1 ? "order has" : "orders have"} an unknown outcome at the broker`}
        />
      </NavLink>
      <NavLink href="/admin/quarantine" active={on("/admin/quarantine")}>
        Quarantine
        <CountBadge
          count={quarantineCount}
          testId="quarantine-count"
          title={`${quarantineCount} refused broker ${quarantineCount === 1 ? "callback or execution waits" : "callbacks and executions wait"} for an operator's review; none changed the ledger`}
        />
      </NavLink>
      <NavLink href="/admin/invariants" active={on("/admin/invariants")}>
        Invariants
        <CountBadge
          count={invariantsCount}
          testId="invariants-count"
          title={`${invariantsCount} broken ${invariantsCount === 1 ? "invariant is" : "invariants are"} open (balances, holds, fills, unbooked trades)`}
        />
      </NavLink>
      <NavLink href="/admin/brokers" active={on("/admin/brokers")}>
        Brokers
      </NavLink>
      <NavLink href="/admin/recon" active={on("/admin/recon")}>
        Reconciliation
      </NavLink>
      <NavLink href="/admin/sagas" active={on("/admin/sagas")}>
        Sagas
        <CountBadge
          count={sagasWaiting}
          testId="sagas-count"
          title={`${sagasWaiting} ${sagasWaiting === 1 ? "saga waits" : "sagas wait"} for an operator to retry or resolve a compensation`}
        />
      </NavLink>
    </nav>
  );
}
