"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Banner } from "@/components/banner";
import { DataTable, Missing } from "@/components/data-table";
import { MonoId } from "@/components/mono-id";
import { Panel } from "@/components/panel";
import { NEUTRAL_TONE, Pill } from "@/components/pill";
import { bannerMessage } from "@/lib/errors";
import { dateTimeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { ReasonForm } from "./reason-form";
import type { AccountSession } from "./router-types";

const REFRESH_MS = 15_000;

const STATE: Record<AccountSession["state"], { label: string; tone: string; title: string }> = {
  active: { label: "Active", tone: "bg-emerald-50 text-emerald-800 ring-emerald-300", title: "Signed in and in use" },
  idle: { label: "Timed out", tone: NEUTRAL_TONE, title: "Ended after its idle time without a request" },
  expired: { label: "Expired", tone: NEUTRAL_TONE, title: "Ended at its absolute limit after sign-in" },
  revoked: {
    label: "Revoked",
    tone: "bg-rose-50 text-rose-800 ring-rose-300",
    title: "Ended by sign-out or revocation",
  },
};

/**
 * The account owner's sessions, newest first: where and when they signed in, when each was last used and whether it
 * is still live. An operator revokes one with a reason (audited); a stolen cookie stops working at once.
 */
export function AccountSessions({ accountId }: { accountId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listOptions = trpc.admin.sessions.list.queryOptions({ accountId });
  const sessions = useQuery({ ...listOptions, refetchInterval: REFRESH_MS });
  const [revoking, setRevoking] = useState<AccountSession | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.admin.sessions.revoke.mutationOptions({
      onSuccess: ({ sessionId }) => {
        setRevoking(null);
        setRevoked(sessionId);
        void queryClient.invalidateQueries({ queryKey: listOptions.queryKey });
      },
    }),
  );
  const active = sessions.data?.filter((session) => session.state === "active").length ?? 0;

  return (
    <Panel title="Sessions" note={sessions.data ? `${active} active, newest first` : undefined}>
      {sessions.error && (
        <div className="p-2">
          <Banner tone="error">{bannerMessage(sessions.error)}</Banner>
        </div>
      )}
      {revoked && (
        <div className="p-2">
          <Banner tone="success" onDismiss={() => setRevoked(null)}>
            <span data-testid="session-revoked">
              Session {revoked.slice(0, 8)}… revoked: its browser is signed out on its next request.
            </span>
          </Banner>
        </div>
      )}
      <DataTable
        testId="account-sessions"
        rows={sessions.data}
        rowKey={(session) => session.id}
        rowProps={(session) => ({ "data-session-id": session.id, "data-state": session.state })}
        loading="Loading sessions…"
        empty="This customer has not signed in yet."
        columns={[
          { header: "Session", cell: (session) => <MonoId id={session.id} /> },
          { header: "Signed in", cell: (session) => dateTimeText(session.createdAt) },
          { header: "Last seen", cell: (session) => dateTimeText(session.lastSeenAt) },
          { header: "Address", className: "font-mono", cell: (session) => session.ip ?? <Missing /> },
          {
            header: "Browser",
            cell: (session) =>
              session.userAgent ? (
                <span className="block max-w-[22rem] truncate" title={session.userAgent}>
                  {session.userAgent}
                </span>
              ) : (
                <Missing />
              ),
          },
          {
            header: "State",
            cell: (session) => {
              const state = STATE[session.state];
              const why = session.revokedAt
                ? `Revoked ${dateTimeText(session.revokedAt)} by ${session.revokedBy}: ${session.revokedReason}`
                : state.title;
              return (
                <Pill tone={state.tone} title={why} data-testid="session-state">
                  {state.label}
                </Pill>
              );
            },
          },
          {
            header: "",
            cell: (session) =>
              session.state === "active" ? (
                <button
                  type="button"
                  className="rounded border border-neutral-300 px-2 py-0.5 text-[12px] hover:bg-neutral-100"
                  aria-pressed={revoking?.id === session.id}
                  onClick={() => {
                    revoke.reset();
                    setRevoking(session);
                  }}
                >
                  Revoke
                </button>
              ) : null,
          },
        ]}
      />
      {revoking && (
        <ReasonForm
          key={revoking.id}
          id={`session-${revoking.id}`}
          testId="session-revoke-form"
          action="REVOKE"
          summary={
            <>
              <span className="font-semibold">Revoke</span> session <MonoId id={revoking.id} /> (signed in{" "}
              {dateTimeText(revoking.createdAt)} from {revoking.ip ?? "an unknown address"}): its browser is signed out
              and must sign in again with the password.
            </>
          }
          submitLabel="Revoke session"
          destructive
          placeholder="e.g. customer reported a lost phone"
          pending={revoke.isPending}
          error={revoke.error}
          onSubmit={(reason) => revoke.mutate({ accountId, sessionId: revoking.id, reason })}
          onClose={() => setRevoking(null)}
        />
      )}
    </Panel>
  );
}
