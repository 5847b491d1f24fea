// `npm run kafka`: one Apache Kafka node on 127.0.0.1:9092 (KRaft, data in .data/kafka), resolved from Maven Central
// on first use. Prints KAFKA_BROKERS=… once the broker answers.
//   (no flag)      run in the foreground; Ctrl-C stops it
//   --background   start it detached (pid in <data>/kafka.pid), print, exit; a node already running is reused
//   --stop         stop the background node
//   --resolve      only resolve the jars (target/libs)
//   --port N, --data DIR
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATA_DIR, resolveBrokerJars, startKafkaNode, waitForKafka } from "./kafka";

const { values: flags } = parseArgs({
  options: {
    background: { type: "boolean", default: false },
    stop: { type: "boolean", default: false },
    resolve: { type: "boolean", default: false },
    port: { type: "string", default: "9092" },
    data: { type: "string" },
  },
});
const port = Number(flags.port);
const dataDir = flags.data ? resolve(flags.data) : DEFAULT_DATA_DIR;
const pidFile = join(dataDir, "kafka.pid");
const brokers = `127.0.0.1:${port}`;

/** The pid of our background broker, if that process is still a Kafka broker (a pid can be reused). */
function runningPid(): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("kafka.Kafka") ? pid : null;
  } catch {
    return null;
  }
}

async function stop(): Promise<void> {
  const pid = runningPid();
  if (pid === null) {
    console.log("no background Kafka is running");
    rmSync(pidFile, { force: true });
    return;
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 30_000;
  while (runningPid() === pid) {
    if (Date.now() > deadline) process.kill(pid, "SIGKILL");
    await new Promise((done) => setTimeout(done, 200));
  }
  rmSync(pidFile, { force: true });
  console.log(`stopped Kafka (pid ${pid})`);
}

async function main(): Promise<void> {
  if (flags.stop) return stop();
  if (flags.resolve) {
    resolveBrokerJars((line) => console.log(line));
    return;
  }
  const started = Date.now();
  if (flags.background) {
    const existing = runningPid();
    if (existing !== null) {
      await waitForKafka(brokers, 60_000);
      console.log(`Kafka already running (pid ${existing})\nKAFKA_BROKERS=${brokers}`);
      return;
    }
    // A broker this checkout did not start (another clone's, a developer's) may already serve the port: use it.
    if (
      await waitForKafka(brokers, 1500).then(
        () => true,
        () => false,
      )
    ) {
      console.log(`a Kafka broker already answers at ${brokers}; using it\nKAFKA_BROKERS=${brokers}`);
      return;
    }
    const node = await startKafkaNode({ port, dataDir, detached: true, output: "file" });
    writeFileSync(pidFile, `${node.pid}\n`);
    console.log(
      `Kafka running in the background (pid ${node.pid}, log ${join(dataDir, "kafka.out")}), ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(`KAFKA_BROKERS=${brokers}`);
    return;
  }
  const node = await startKafkaNode({ port, dataDir, output: "inherit" });
  console.log(`Kafka ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C stops it`);
  console.log(`KAFKA_BROKERS=${brokers}`);
  const shutdown = () => void node.stop("SIGTERM").then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
