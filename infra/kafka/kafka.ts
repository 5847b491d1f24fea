// One Apache Kafka node (KRaft: broker and controller in one JVM) for development, tests and CI. The broker is the
// official one from Maven Central, resolved by pom.xml into target/libs; nothing here downloads anything else.
// start.ts is the command-line face of this module; cross-process tests import it to run a Kafka of their own.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";

export const KAFKA_DIR = fileURLToPath(new URL(".", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEFAULT_DATA_DIR = join(REPO_ROOT, ".data/kafka");
const LIBS_DIR = join(KAFKA_DIR, "target/libs");
const STAMP = join(LIBS_DIR, ".resolved");

export interface KafkaNodeOptions {
  /** Client port. Default 9092. */
  port?: number;
  /** KRaft controller port. Default port + 1. */
  controllerPort?: number;
  /** Logs and metadata; formatted on first use. Default .data/kafka. */
  dataDir?: string;
  /** Outlive the starting process (the `--background` mode). */
  detached?: boolean;
  /** "inherit": the broker's output on this terminal; "file" (default): appended to <dataDir>/kafka.out. */
  output?: "inherit" | "file";
  /** How long to wait for the broker to answer. Default 120 s. */
  readyTimeoutMs?: number;
  heapMb?: number;
}

export interface KafkaNode {
  brokers: string;
  pid: number;
  dataDir: string;
  /** Stops the JVM: SIGTERM is a controlled shutdown, SIGKILL a crash. Resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The Kafka version pom.xml pins. */
export function kafkaVersion(): string {
  const pom = readFileSync(join(KAFKA_DIR, "pom.xml"), "utf8");
  const version = pom.match(/<kafka\.version>([^<]+)<\/kafka\.version>/)?.[1];
  if (!version) throw new Error("infra/kafka/pom.xml has no <kafka.version>");
  return version;
}

/** Copies the broker and its runtime dependencies from Maven Central into target/libs, unless already there. */
export function resolveBrokerJars(log: (line: string) => void = () => {}): string {
  const version = kafkaVersion();
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === version) return LIBS_DIR;
  log(`resolving Apache Kafka ${version} from Maven Central (infra/kafka/pom.xml) …`);
  rmSync(LIBS_DIR, { recursive: true, force: true });
  const started = Date.now();
  const maven = spawnSync(
    "mvn",
    ["-B", "-q", "-Dstyle.color=never", "-f", join(KAFKA_DIR, "pom.xml"), "dependency:copy-dependencies"],
    { encoding: "utf8" },
  );
  if (maven.status !== 0)
    throw new Error(
      `mvn dependency:copy-dependencies failed (${maven.error?.message ?? `exit ${maven.status}`}):\n${maven.stdout}${maven.stderr}`,
    );
  const jars = readdirSync(LIBS_DIR).filter((name) => name.endsWith(".jar"));
  if (!jars.some((name) => name === `kafka_2.13-${version}.jar`))
    throw new Error(`maven did not produce kafka_2.13-${version}.jar in ${LIBS_DIR}`);
  writeFileSync(STAMP, `${version}\n`);
  log(`resolved ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return LIBS_DIR;
}

/** server.properties with this node's ports and directories, written next to its data. */
function writeServerProperties(dataDir: string, port: number, controllerPort: number): string {
  const overrides: Record<string, string> = {
    "controller.quorum.voters": `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${port}`,
    "log.dirs": join(dataDir, "log"),
  };
  const template = readFileSync(join(KAFKA_DIR, "server.properties"), "utf8");
  const lines = template.split("\n").map((line) => {
    const key = line.match(/^([\w.]+)=/)?.[1];
    return key && key in overrides ? `${key}=${overrides[key]}` : line;
  });
  const path = join(dataDir, "server.properties");
  writeFileSync(path, lines.join("\n"));
  return path;
}

function javaArgs(dataDir: string, heapMb: number): string[] {
  return [
    `-Xms${Math.min(256, heapMb)}m`,
    `-Xmx${heapMb}m`,
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-Djava.awt.headless=true",
    `-Dlog4j.configuration=file:${join(KAFKA_DIR, "log4j.properties")}`,
    `-Dkafka.logs.dir=${join(dataDir, "logs")}`,
    "-cp",
    `${LIBS_DIR}/*`,
  ];
}

/** KRaft storage must be formatted once with a cluster id; a node restarted on the same data keeps it. */
function formatStorageIfNeeded(dataDir: string, propertiesPath: string, heapMb: number): void {
  if (existsSync(join(dataDir, "log", "meta.properties"))) return;
  const clusterId = randomBytes(16).toString("base64url");
  execFileSync(
    "java",
    [
      ...javaArgs(dataDir, heapMb),
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId,
      "-c",
      propertiesPath,
      "--ignore-formatted",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

/** Resolves when a broker at `brokers` answers a metadata request. */
export async function waitForKafka(
  brokers: string,
  timeoutMs: number,
  stillStarting: () => string | null = () => null,
): Promise<void> {
  const admin = new Kafka({
    clientId: "meridian-kafka-probe",
    brokers: brokers.split(","),
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const failure = stillStarting();
      if (failure) throw new Error(failure);
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length > 0 && cluster.controller !== null) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`Kafka at ${brokers} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export async function startKafkaNode(options: KafkaNodeOptions = {}): Promise<KafkaNode> {
  const port = options.port ?? 9092;
  const controllerPort = options.controllerPort ?? port + 1;
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const heapMb = options.heapMb ?? 512;
  resolveBrokerJars((line) => console.log(line));
  mkdirSync(join(dataDir, "logs"), { recursive: true });
  const propertiesPath = writeServerProperties(dataDir, port, controllerPort);
  formatStorageIfNeeded(dataDir, propertiesPath, heapMb);

  const outPath = join(dataDir, "kafka.out");
  const outFd = options.output === "inherit" ? null : openSync(outPath, "a");
  const child: ChildProcess = spawn("java", [...javaArgs(dataDir, heapMb), "kafka.Kafka", propertiesPath], {
    cwd: dataDir,
    detached: options.detached ?? false,
    stdio: outFd === null ? ["ignore", "inherit", "inherit"] : ["ignore", outFd, outFd],
  });
  if (outFd !== null) closeSync(outFd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let exitCode: number | null | undefined;
  child.once("exit", (code, signal) => (exitCode = code ?? (signal ? -1 : null)));
  // A test process that dies must not leave its broker behind.
  const killOnExit = () => child.kill("SIGKILL");
  if (!options.detached) process.once("exit", killOnExit);

  const brokers = `127.0.0.1:${port}`;
  try {
    await waitForKafka(brokers, options.readyTimeoutMs ?? 120_000, () =>
      exitCode === undefined
        ? null
        : `Kafka exited (${exitCode}) while starting; see ${outFd === null ? "its output above" : outPath}:\n${tail(outPath)}`,
    );
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  if (options.detached) child.unref();
  return {
    brokers,
    pid: child.pid!,
    dataDir,
    async stop(signal = "SIGTERM") {
      process.removeListener("exit", killOnExit);
      if (exitCode !== undefined) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
