"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { MonoId } from "@/components/mono-id";
import { Panel } from "@/components/panel";
import { dateTimeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { DetailPending } from "../detail-page";
import { Field } from "../field";
import { OrderLink } from "../order-cells";
import { SagaStatusBadge } from "./saga-badges";
import { sagaTypeLabel } from "./saga-labels";
import { SagaSteps } from "./saga-steps";

const REFRESH_MS = 2000;

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <details>
      <summary className="cursor-pointer text-[12px] text-neutral-500 select-none">{label}</summary>
      <pre className="mt-1 max-h-64 overflow-auto rounded bg-neutral-50 p-2 font-mono text-[11px] leading-snug whitespace-pre-wrap">
        {JSON.stringify(value, null, 2)}
      </pre>
    </details>
  );
}

/** One saga: what it is for, where it stands, how it ended, and its steps with the operator's decisions. */
export function SagaDetail({ sagaId }: { sagaId: string }) {
  const trpc = useTRPC();
  const detail = useQuery({ ...trpc.admin.sagas.detail.queryOptions({ sagaId }), refetchInterval: REFRESH_MS });
  const saga = detail.data;
  if (!saga)
    return (
      <DetailPending error={detail.error} loading="Loading saga…" hint="Go back to the Sagas page and pick it again." />
    );

  return (
    <main className="flex min-h-0 flex-1 flex-col gap-2 p-2">
      <div className="flex items-center gap-3 px-1">
        <Link href="/admin/sagas" className="text-[12px] text-neutral-500 hover:text-neutral-900">
          ← All sagas
        </Link>
        <h1 className="text-sm font-semibold">{sagaTypeLabel(saga.type)}</h1>
        <span data-testid="saga-status" data-status={saga.status}>
          <SagaStatusBadge status={saga.status} />
        </span>
        <span className="text-[12px] text-neutral-600" data-testid="saga-phase">
          {saga.phase}
        </span>
        {detail.isError && <span className="text-[12px] text-rose-700">Refresh failed, retrying every 2 s.</span>}
      </div>

      <Panel title="Saga">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 p-3 sm:grid-cols-4 xl:grid-cols-6">
          <div className="col-span-2">
            <Field label="Saga id">
              <span className="font-mono text-[12px]" data-testid="saga-id">
                {saga.id}
              </span>
            </Field>
          </div>
          <Field label="Account">
            <Link className="hover:underline" href={`/admin/accounts/${saga.accountId}`}>
              <MonoId id={saga.accountId} />
            </Link>
          </Field>
          <Field label="Order">{saga.orderId ? <OrderLink orderId={saga.orderId} /> : "—"}</Field>
          <Field label="Created">{dateTimeText(saga.createdAt)}</Field>
          <Field label="Updated">{dateTimeText(saga.updatedAt)}</Field>
          <div className="col-span-2 sm:col-span-4 xl:col-span-6">
            <Field label="Outcome">
              <span data-testid="saga-outcome" title={saga.outcome ?? undefined}>
                {saga.outcome ?? "Not ended yet."}
              </span>
            </Field>
          </div>
        </dl>
        <div className="flex gap-6 px-3 pb-3">
          <JsonBlock label="input" value={saga.input} />
          <JsonBlock label="state" value={saga.state} />
        </div>
      </Panel>

      <SagaSteps saga={saga} query={detail} />
    </main>
  );
}
