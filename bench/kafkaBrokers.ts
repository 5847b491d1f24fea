// The Kafka a benchmark runs against: KAFKA_BROKERS when set, otherwise a node of its own, started here on free ports
// and stopped (its data removed) when the work is done.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@meridian/db/testing";
import { startKafkaNode } from "../infra/kafka/kafka";

/** Runs `work` with the bootstrap servers and a label for the printout ("own node" or the servers). */
export async function withKafkaBrokers<T>(work: (brokers: string, label: string) => Promise<T>): Promise<T> {
  const given = process.env.KAFKA_BROKERS;
  if (given) return work(given, given);
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-bench-kafka-"));
  const node = await startKafkaNode({ port: await freePort(), controllerPort: await freePort(), dataDir });
  try {
    return await work(node.brokers, "own node");
  } finally {
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
