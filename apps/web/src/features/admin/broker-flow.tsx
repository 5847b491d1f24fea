"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { useState } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Pill } from "@/components/pill";
import { dateTimeText, timeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { Field } from "./field";
import { DecisionButtons, ReasonForm } from "./reason-form";
import type { BrokerOverview } from "./router-types";

type Breaker = BrokerOverview["breaker"];
type Lever = "force-open" | "force-closed" | "release" | "tps";

const BREAKER_TONE: Record<Breaker["state"], string> = {
  closed: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  "half-open": "bg-amber-50 text-amber-800 ring-amber-200",
  open: "bg-rose-50 text-rose-700 ring-rose-200",
};

/** What the gateways do with the breaker as it stands: the forced state wins over the computed one. */
function breakerText(breaker: Breaker): { label: string; tone: string; detail: string } {
  if (breaker.forced === "open")
    return {
      label: "forced open",
      tone: BREAKER_TONE.open,
      detail: `No order calls are sent. Forced by ${breaker.forcedBy} at ${dateTimeText(breaker.forcedAt)}: ${breaker.forcedReason}`,
    };
  if (breaker.forced === "closed")
    return {
      label: "forced closed",
      tone: BREAKER_TONE.closed,
      detail: `Every call is sent whatever the failures. Forced by ${breaker.forcedBy} at ${dateTimeText(breaker.forcedAt)}: ${breaker.forcedReason}`,
    };
  const since = breaker.since ? ` since ${timeText(breaker.since)}` : "";
  const detail =
    breaker.state === "open"
      ? `Calls are refused (and retried later) for ${Math.round(breaker.waitInOpenMs / 1000)} s after opening, then a few trial calls decide. ${breaker.reason ?? ""}`
      : breaker.state === "half-open"
        ? `Trial calls decide whether it closes. ${breaker.reason ?? ""}`
        : breaker.reason
          ? `Calls flow. Last change: ${breaker.reason}`
          : "Calls flow.";
  return { label: `${breaker.state}${since}`, tone: BREAKER_TONE[breaker.state], detail };
}

export function FlowSummary({ broker }: { broker: BrokerOverview }) {
  const { breaker, pool, tps, series } = broker;
  const shown = breakerText(breaker);
  const lastMinute = series.slice(-6);
  const calls = lastMinute.reduce((total, point) => total + point.calls, 0);
  const perSecond = lastMinute.length === 0 ? 0 : calls / (lastMinute.length * 10);
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-2 sm:grid-cols-4" data-testid="flow-summary">
      <Field label="Breaker">
        <span title={shown.detail}>
          <Pill tone={clsx("tracking-normal normal-case", shown.tone)}>
            <span data-testid="breaker-state" data-state={breaker.forced ? `forced-${breaker.forced}` : breaker.state}>
              {shown.label}
            </span>
          </Pill>
        </span>
      </Field>
      <Field label="Pool (calls at once)">
        <span
          data-testid="pool"
          title={`AIMD limit summed over ${pool.processes} gateway process(es); ceiling ${pool.ceiling} each${pool.baselineMs === null ? "" : `; baseline latency ${pool.baselineMs} ms`}`}
        >
          {pool.processes === 0 ? (
            <span className="text-neutral-400">no calls lately</span>
          ) : (
            <>
              {pool.inFlight} in flight of {pool.limit}
              {pool.queued > 0 && <span className="text-amber-700"> · {pool.queued} waiting</span>}
            </>
          )}
        </span>
      </Field>
      <Field label="Calls / s · last minute">
        <span data-testid="tps">
          {perSecond.toFixed(1)} of {tps.limit === 0 ? "no limit" : `${tps.limit}/s`}
          {tps.setByOperator && (
            <span className="text-neutral-500"> (set by an operator; configured {tps.configured})</span>
          )}
        </span>
      </Field>
      <Field label="Why">
        <span className="line-clamp-2 text-[12px] text-neutral-600" data-testid="breaker-detail">
          {shown.detail}
        </span>
      </Field>
      {(broker.entry.inFallback.length > 0 || broker.entry.closed.length > 0) && (
        <div className="col-span-2 sm:col-span-4">
          <Field label="New orders">
            <span data-testid="entry-state" className="text-amber-800">
              {broker.entry.inFallback.length > 0 && <>In fallback: {broker.entry.inFallback.join(", ")}. </>}
              {broker.entry.closed.length > 0 && <>Closed for entry: {broker.entry.closed.join(", ")}.</>}
            </span>
          </Field>
        </div>
      )}
    </dl>
  );
}

const axis = { fontSize: 10.5, fill: "#737373" };

/** The last 15 minutes in 10-second buckets: calls per second against the limit, failures, latency, queue time. */
export function FlowCharts({ broker }: { broker: BrokerOverview }) {
  const data = broker.series.map((point) => ({
    at: timeText(new Date(point.at).toISOString()),
    tps: Number(point.tps.toFixed(2)),
    failurePercent: Math.round(point.failureRate * 100),
    p50: point.p50Ms,
    p99: point.p99Ms,
    queueP99: point.queueP99Ms,
  }));
  const limit = broker.tps.limit;
  return (
    <div className="grid grid-cols-1 gap-2 sm:grid-cols-2" data-testid="flow-charts">
      <Chart
        title="Calls / s and failures %"
        data={data}
        ariaLabel={`${broker.brokerId} calls per second and failure rate`}
      >
        {limit > 0 && <ReferenceLine yAxisId="left" y={limit} stroke="#a3a3a3" strokeDasharray="3 3" />}
        <Line yAxisId="left" dataKey="tps" name="calls/s" stroke="#404040" dot={false} isAnimationActive={false} />
        <Line
          yAxisId="right"
          dataKey="failurePercent"
          name="failures %"
          stroke="#e11d48"
          dot={false}
          isAnimationActive={false}
        />
      </Chart>
      <Chart
        title={broker.metricsShared ? "Latency and queue time, ms" : "Latency, ms (queue time needs Redis)"}
        data={data}
        ariaLabel={`${broker.brokerId} latency percentiles`}
      >
        <Line
          yAxisId="left"
          dataKey="p50"
          name="p50"
          stroke="#a3a3a3"
          dot={false}
          isAnimationActive={false}
          connectNulls
        />
        <Line
          yAxisId="left"
          dataKey="p99"
          name="p99"
          stroke="#404040"
          dot={false}
          isAnimationActive={false}
          connectNulls
        />
        <Line
          yAxisId="left"
          dataKey="queueP99"
          name="queue p99"
          stroke="#f59e0b"
          dot={false}
          isAnimationActive={false}
          connectNulls
        />
      </Chart>
    </div>
  );
}

function Chart({
  title,
  data,
  ariaLabel,
  children,
}: {
  title: string;
  data: object[];
  ariaLabel: string;
  children: React.ReactNode;
}) {
  return (
    <div>
      <div className="text-[10.5px] text-neutral-500">{title} · last 15 min</div>
      <div className="h-28" role="img" aria-label={ariaLabel}>
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 300, height: 112 }}>
          <LineChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -24 }}>
            <CartesianGrid stroke="#f0f0f0" vertical={false} />
            <XAxis dataKey="at" tick={axis} interval="preserveStartEnd" minTickGap={40} />
            <YAxis yAxisId="left" tick={axis} allowDecimals={false} domain={[0, "auto"]} />
            <YAxis yAxisId="right" orientation="right" hide domain={[0, 100]} />
            <Tooltip contentStyle={{ fontSize: 12 }} />
            {children}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}

const LEVER_OPTIONS: Record<Lever, { label: string; submit: string; placeholder: string; destructive?: boolean }> = {
  "force-open": {
    label: "Force open",
    submit: "Force open",
    placeholder: "e.g. atlas announced maintenance until 09:30",
    destructive: true,
  },
  "force-closed": {
    label: "Force closed",
    submit: "Force closed",
    placeholder: "e.g. failures are on our side, atlas confirmed it is healthy",
    destructive: true,
  },
  release: { label: "Release", submit: "Release", placeholder: "e.g. maintenance over" },
  tps: { label: "Set calls / s", submit: "Set limit", placeholder: "e.g. atlas asked us to send at most 50/s today" },
};

/** The operator's levers on one broker's flow control, each with a reason kept in the audit log. */
export function FlowLevers({ broker }: { broker: BrokerOverview }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<Lever | null>(null);
  const [tpsText, setTpsText] = useState(String(broker.tps.limit));
  const [done, setDone] = useState<string | null>(null);
  const [tpsError, setTpsError] = useState<string | null>(null);
  const onSuccess = (message: string) => {
    setOpen(null);
    setDone(message);
    void queryClient.invalidateQueries({ queryKey: trpc.admin.brokers.overview.queryKey() });
  };
  const force = useMutation(trpc.admin.brokers.forceBreaker.mutationOptions());
  const release = useMutation(trpc.admin.brokers.releaseBreaker.mutationOptions());
  const setTps = useMutation(trpc.admin.brokers.setTps.mutationOptions());
  const { brokerId } = broker;
  const options = (Object.keys(LEVER_OPTIONS) as Lever[])
    .filter((lever) => lever !== "release" || broker.breaker.forced !== null)
    .map((lever) => ({ value: lever, label: LEVER_OPTIONS[lever].label }));
  const mutation = open === "tps" ? setTps : open === "release" ? release : force;

  function submit(reason: string) {
    setDone(null);
    if (open === "force-open" || open === "force-closed") {
      const state = open === "force-open" ? "open" : "closed";
      force.mutate(
        { brokerId, state, reason },
        { onSuccess: () => onSuccess(`${brokerId}'s breaker is forced ${state}.`) },
      );
    } else if (open === "release")
      release.mutate({ brokerId, reason }, { onSuccess: () => onSuccess(`${brokerId}'s breaker is released.`) });
    else if (open === "tps") {
      const text = tpsText.trim();
      if (text !== "" && !/^\d+$/.test(text)) {
        setTpsError(
          "Enter a whole number of calls per second (0 for no limit), or leave it empty for the configured one.",
        );
        return;
      }
      setTpsError(null);
      const tps = text === "" ? null : Number(text);
      setTps.mutate(
        { brokerId, tps, reason },
        {
          onSuccess: () =>
            onSuccess(
              tps === null
                ? `${brokerId} is back to its configured ${broker.tps.configured}/s.`
                : `${brokerId} may take ${tps === 0 ? "unlimited calls" : `${tps} calls/s`} from every gateway.`,
            ),
        },
      );
    }
  }

  return (
    <div className="space-y-2" data-testid="flow-levers">
      <div className="flex items-center gap-3">
        <DecisionButtons options={options} open={open} onOpen={(lever) => setOpen(open === lever ? null : lever)} />
        {done && (
          <span className="text-[12px] text-emerald-700" data-testid="lever-success">
            {done}
          </span>
        )}
      </div>
      {open && (
        <ReasonForm
          id={`${brokerId}-${open}`}
          testId="lever-form"
          action={open}
          summary={
            open === "tps" ? (
              <label className="flex items-center gap-2">
                Calls per second for every gateway together (0 = no limit, empty = the configured{" "}
                {broker.tps.configured}):
                <input
                  className="input w-24"
                  inputMode="numeric"
                  aria-label="Calls per second"
                  value={tpsText}
                  onChange={(event) => setTpsText(event.target.value)}
                  aria-invalid={tpsError ? true : undefined}
                />
                {tpsError && (
                  <span className="field-error" data-testid="error-tps">
                    {tpsError}
                  </span>
                )}
              </label>
            ) : open === "release" ? (
              "The breaker goes back to judging calls itself, starting closed."
            ) : open === "force-open" ? (
              `Every gateway stops sending ${brokerId} order calls until released; they wait and are retried after.`
            ) : (
              `Every gateway sends ${brokerId} calls whatever fails, until released.`
            )
          }
          submitLabel={LEVER_OPTIONS[open].submit}
          destructive={LEVER_OPTIONS[open].destructive}
          placeholder={LEVER_OPTIONS[open].placeholder}
          pending={mutation.isPending}
          error={mutation.error}
          onSubmit={submit}
          onClose={() => setOpen(null)}
        />
      )}
    </div>
  );
}
