"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { timeText } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { BrokerCard, type CallSample } from "./broker-card";
import { ConsolePage } from "./page-heading";
import { PipelinePanel } from "./pipeline-panel";

const REFRESH_MS = 2000;
/** Three minutes of readings at one every 2 s. */
const SAMPLES_KEPT = 90;

export function BrokersOverview() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.admin.brokers.overview.queryOptions(), refetchInterval: REFRESH_MS });
  const [samples, setSamples] = useState<Record<string, CallSample[]>>({});

  // The server reports a 5-minute window, not a series: the trend is built from the readings this page has taken.
  const { data, dataUpdatedAt } = overview;
  useEffect(() => {
    if (!data || dataUpdatedAt === 0) return;
    const at = timeText(new Date(dataUpdatedAt).toISOString());
    setSamples((previous) =>
      Object.fromEntries(
        data.map((broker) => [
          broker.brokerId,
          [
            ...(previous[broker.brokerId] ?? []),
            { at, p99Ms: broker.calls.p99Ms, inFlight: broker.calls.inFlight },
          ].slice(-SAMPLES_KEPT),
        ]),
      ),
    );
  }, [data, dataUpdatedAt]);

  const brokers = data ?? [];
  return (
    <ConsolePage
      title="Brokers"
      query={overview}
      status={
        <>
          {brokers.length} {brokers.length === 1 ? "broker" : "brokers"}
        </>
      }
      explanationTestId="brokers-explanation"
      explanation={
        <>
          Calls are counted across every worker over the last 5 minutes. Fault switches change the broker simulator at
          once, for every order, and are audited with your reason; clear them when the rehearsal is over.
        </>
      }
    >
      <PipelinePanel />
      <div className="grid grid-cols-1 gap-2 xl:grid-cols-2">
        {brokers.map((broker) => (
          <BrokerCard key={broker.brokerId} broker={broker} samples={samples[broker.brokerId] ?? []} />
        ))}
      </div>
    </ConsolePage>
  );
}
