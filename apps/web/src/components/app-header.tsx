"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { bannerMessage } from "@/lib/errors";
import { useTRPC } from "@/trpc/client";
import { LiveIndicator } from "@/features/live/live-indicator";
import { useOrderChanges } from "@/features/live/use-order-changes";
import { TIME_ZONE_LABEL } from "@/lib/format";
import { ConsoleNav } from "./console-nav";

export function AppHeader({ area }: { area: "trading" | "console" }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  // The header is on every customer and console page, so it holds the page's one stream of order changes.
  const live = useOrderChanges(area);
  // Signed out: nothing of this person stays cached, and the sign-in page says why when there is more to say.
  const leaveFor = (loginUrl: string) => () => {
    queryClient.clear();
    router.replace(loginUrl);
    router.refresh();
  };
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSettled: leaveFor("/login") }));
  const [confirmingEverywhere, setConfirmingEverywhere] = useState(false);
  const everywhere = useMutation(
    trpc.auth.signOutEverywhere.mutationOptions({ onSuccess: leaveFor("/login?ended=everywhere") }),
  );
  const user = me.data?.user;
  const accountNo = me.data?.account?.accountNo;

  return (
    <header className="flex h-11 items-center justify-between border-b border-neutral-800 bg-neutral-900 px-4 text-neutral-100">
      <div className="flex items-center gap-4">
        <Link href={area === "console" ? "/admin" : "/"} className="text-sm font-semibold tracking-wide">
          Meridian
        </Link>
        <span className="text-xs text-neutral-400">{area === "console" ? "Operator console" : "US stocks"}</span>
        {area === "console" && <ConsoleNav />}
      </div>
      <div className="flex items-center gap-4 text-xs">
        <LiveIndicator state={live} />
        <span className="text-neutral-500">Times in {TIME_ZONE_LABEL}</span>
        {accountNo && (
          <span className="num" data-testid="account-no">
            <span className="text-neutral-400">Account </span>
            <span className="font-mono">{accountNo}</span>
          </span>
        )}
        {user && (
          <span data-testid="user-name" title={user.email}>
            {user.name}
          </span>
        )}
        <button
          type="button"
          onClick={() => logout.mutate()}
          disabled={logout.isPending}
          className="rounded border border-neutral-600 px-2 py-1 text-neutral-200 hover:bg-neutral-800"
        >
          {logout.isPending ? "Signing out…" : "Sign out"}
        </button>
        <div className="relative">
          <button
            type="button"
            onClick={() => setConfirmingEverywhere((open) => !open)}
            aria-expanded={confirmingEverywhere}
            className="rounded px-2 py-1 text-neutral-300 hover:bg-neutral-800"
          >
            Sign out everywhere
          </button>
          {confirmingEverywhere && (
            <div
              role="alertdialog"
              aria-labelledby="sign-out-everywhere-title"
              data-testid="sign-out-everywhere"
              className="absolute right-0 top-9 z-40 w-96 space-y-2 rounded border border-neutral-300 bg-white p-3 text-[13px] text-neutral-800 shadow-lg"
            >
              <p id="sign-out-everywhere-title" className="font-semibold">
                Sign out on every device?
              </p>
              <p className="text-neutral-600">
                Every session of yours ends: this one, and any on another phone, computer or browser. Use it if you
                signed in somewhere you no longer control. You will need your password to sign in again.
              </p>
              {everywhere.error && <p className="field-error">{bannerMessage(everywhere.error)}</p>}
              <div className="flex justify-end gap-2">
                <button
                  type="button"
                  className="btn btn-ghost whitespace-nowrap"
                  onClick={() => setConfirmingEverywhere(false)}
                >
                  Keep me signed in
                </button>
                <button
                  type="button"
                  className="btn whitespace-nowrap bg-rose-600 text-white hover:bg-rose-700"
                  onClick={() => everywhere.mutate()}
                  disabled={everywhere.isPending || everywhere.isSuccess}
                >
                  {everywhere.isPending || everywhere.isSuccess ? "Signing out…" : "Sign out everywhere"}
                </button>
              </div>
            </div>
          )}
        </div>
      </div>
    </header>
  );
}
