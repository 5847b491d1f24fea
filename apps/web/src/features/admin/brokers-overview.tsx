"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/client";
import { BrokerCard } from "./broker-card";
import { ConsolePage } from "./page-heading";
import { PipelinePanel } from "./pipeline-panel";

const REFRESH_MS = 2000;

export function BrokersOverview() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.admin.brokers.overview.queryOptions(), refetchInterval: REFRESH_MS });
  const brokers = overview.data ?? [];
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
          Calls are counted across every worker over the last 5 minutes. Each broker&apos;s flow control (breaker, pool,
          calls per second) is shared by every gateway; forcing a breaker or setting a limit reaches every gateway
          within a second. Fault switches change the broker simulator at once, for every order. Every lever is audited
          with your reason; clear faults when the rehearsal is over.
        </>
      }
    >
      <PipelinePanel />
      <div className="grid grid-cols-1 gap-2 xl:grid-cols-2">
        {brokers.map((broker) => (
          <BrokerCard key={broker.brokerId} broker={broker} />
        ))}
      </div>
    </ConsolePage>
  );
}
