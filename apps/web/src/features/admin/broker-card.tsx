"use client";

import clsx from "clsx";
import { Banner } from "@/components/banner";
import { Pill } from "@/components/pill";
import { FlowCharts, FlowLevers, FlowSummary } from "./broker-flow";
import { activeFaults, describeFaults, percentText } from "./faults";
import { FaultForm } from "./fault-form";
import { Field } from "./field";
import type { BrokerOverview } from "./router-types";

const ms = (value: number | null) => (value === null ? "—" : `${value.toLocaleString("en-US")} ms`);

const SIMULATOR_DOWN =
  "The broker simulator is not answering, so its fault switches cannot be read or changed here. Start it with `npm start` (it runs apps/broker), or point BROKER_URL in the web app's environment at a running simulator (default http://127.0.0.1:4100). This card retries every 2 s.";

export function BrokerCard({ broker }: { broker: BrokerOverview }) {
  const { brokerId, capabilities, isDefault, symbols, calls, faults } = broker;
  const active = faults ? describeFaults(activeFaults(faults)) : null;

  return (
    <section
      className="panel"
      aria-label={`Broker ${brokerId}`}
      data-testid={`broker-${brokerId}`}
      data-broker-id={brokerId}
    >
      <div className="panel-title">
        <span className="flex items-center gap-2">
          <span className="font-mono text-[13px] tracking-normal text-neutral-900 normal-case">{brokerId}</span>
          {isDefault && (
            <Pill tone="bg-blue-50 text-blue-700 tracking-normal normal-case ring-blue-200">default broker</Pill>
          )}
        </span>
        {faults && (
          <span
            data-testid="active-faults"
            data-active={active ? "true" : "false"}
            className={clsx(
              "truncate font-normal tracking-normal normal-case",
              active ? "text-amber-700" : "text-neutral-400",
            )}
            title={active ?? undefined}
          >
            {active ? `Faults on: ${active}` : "No faults"}
          </span>
        )}
      </div>

      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 border-b border-neutral-200 p-3 sm:grid-cols-4">
        <Field label="Lookup by our id">
          <span
            data-testid="lookup"
            title={
              capabilities.lookupByClientOrderId
                ? "Asked before a resubmit"
                : "Resubmitted with the same key; reconciliation catches the rest"
            }
          >
            {capabilities.lookupByClientOrderId ? "Yes" : "No"}
          </span>
        </Field>
        <div className="col-span-1 sm:col-span-3">
          <Field label="Routed symbols">
            <span data-testid="routed-symbols">
              {symbols.length > 0 ? symbols.join(", ") : isDefault ? "" : "none"}
              {isDefault && (
                <span className="text-neutral-500">
                  {symbols.length > 0 ? " and " : ""}every symbol not routed elsewhere
                </span>
              )}
            </span>
            {broker.fallbackFor.length > 0 && (
              <span className="text-neutral-500" data-testid="fallback-for">
                {" "}
                · fallback for{" "}
                {broker.fallbackFor.map((symbol) => (symbol === "*" ? "every other symbol" : symbol)).join(", ")}
              </span>
            )}
          </Field>
        </div>
      </dl>

      <div className="border-b border-neutral-200 p-3">
        <div className="mb-2 text-[11px] font-medium uppercase tracking-wide text-neutral-500">
          Calls · last 5 min, all workers
        </div>
        <div>
          <dl className="grid grid-cols-5 gap-x-4" data-testid="call-stats">
            <Field label="In flight">
              <span className={clsx(calls.inFlight > 0 && "font-semibold text-amber-700")}>
                {calls.inFlight.toLocaleString("en-US")}
              </span>
            </Field>
            <Field label="Calls">{calls.calls.toLocaleString("en-US")}</Field>
            <Field label="Errors">
              <span
                className={clsx(calls.errorRate > 0 && "font-semibold text-rose-700")}
                title="Timeouts, network errors, 5xx and calls not sent"
              >
                {percentText(calls.errorRate)} %
              </span>
            </Field>
            <Field label="p50">{ms(calls.p50Ms)}</Field>
            <Field label="p99">{ms(calls.p99Ms)}</Field>
          </dl>
        </div>
      </div>

      <div className="space-y-3 border-b border-neutral-200 p-3">
        <div className="text-[11px] font-medium uppercase tracking-wide text-neutral-500">
          Flow control · {broker.metricsShared ? "shared by every gateway (Redis)" : "one gateway (no Redis)"}
        </div>
        <FlowSummary broker={broker} />
        <FlowCharts broker={broker} />
        <FlowLevers broker={broker} />
      </div>

      <div>
        <div className="px-3 pt-3 text-[11px] font-medium uppercase tracking-wide text-neutral-500">
          Fault controls · simulator
        </div>
        {faults ? (
          <FaultForm brokerId={brokerId} live={faults} />
        ) : (
          <div className="p-3">
            <Banner tone="error">
              <span data-testid="simulator-unreachable">{SIMULATOR_DOWN}</span>
            </Banner>
          </div>
        )}
      </div>
    </section>
  );
}
