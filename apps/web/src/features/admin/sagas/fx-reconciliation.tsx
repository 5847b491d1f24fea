"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/client";

const REFRESH_MS = 30_000;

/**
 * 대사 with the FX desk over the last day: conversions the desk made that our books do not show, ones we booked that
 * the desk does not report, and different amounts. Empty is the normal state.
 */
export function FxReconciliation() {
  const trpc = useTRPC();
  const recon = useQuery({ ...trpc.admin.sagas.fxReconciliation.queryOptions(), refetchInterval: REFRESH_MS });
  if (recon.isError)
    return (
      <p className="panel px-3 py-2 text-[12px] text-amber-700" data-testid="fx-recon">
        The FX desk&apos;s report could not be read ({recon.error.message}). It is retried every 30 seconds; check the
        desk on the Brokers page.
      </p>
    );
  if (!recon.data) return null;
  const { compared, findings } = recon.data;
  return (
    <section
      className="panel px-3 py-2 text-[12px]"
      aria-label="Reconciliation with the FX desk"
      data-testid="fx-recon"
    >
      <p className={findings.length ? "font-medium text-red-700" : "text-neutral-600"}>
        Reconciliation with the FX desk, last 24 h: {compared.ours} conversions here, {compared.desk} at the desk,{" "}
        {findings.length === 0 ? "no disagreement." : `${findings.length} to look at:`}
      </p>
      {findings.length > 0 && (
        <ul className="mt-1 space-y-0.5 font-mono text-[11px]">
          {findings.map((finding) => (
            <li key={`${finding.kind}:${finding.clientKey}`} data-finding={finding.kind}>
              {finding.kind} {finding.clientKey}: {finding.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
