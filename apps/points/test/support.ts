// Test harness: the points service in-process on a free port with a throwaway database (a fresh database on the
// server named by DATABASE_URL, or the embedded default without it), and a client that speaks the wire over HTTP.
import { randomBytes, randomUUID } from "node:crypto";
import { FEE_POINTS_BRANCH, bearer, type PointsBranchAnswer } from "@meridian/core/points";
import pg from "pg";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { createPointsService, type PointsService, type PointsServiceOptions } from "../src/index";

export const SECRET = "points-test-secret-0123456789abcdef0123456789";
export const logger = pino({ level: process.env.LOG_LEVEL ?? "silent" });

export interface ThrowawayDatabase {
  /** Undefined: the service starts its embedded database. */
  url: string | undefined;
  drop(): Promise<void>;
}

export async function createThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { url: undefined, drop: async () => {} };
  const name = `meridian_points_test_${randomBytes(6).toString("hex")}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function startService(overrides: Partial<PointsServiceOptions> = {}): Promise<PointsService> {
  return createPointsService({
    port: 0,
    secret: SECRET,
    coordinatorUrl: "http://127.0.0.1:9",
    sweepAfterMs: 0,
    sweepEveryMs: 0,
    demoSeed: false,
    sweep: false,
    logger,
    ...overrides,
  });
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

export async function call<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  options: { secret?: string | null; signal?: AbortSignal; rawBody?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const secret = options.secret === undefined ? SECRET : options.secret;
  if (secret !== null) headers.authorization = bearer(secret);
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: options.signal,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A client for one service: the TCC calls, balances, credits and the fence report. */
export function clientFor(service: PointsService) {
  const post = <T>(path: string, body: unknown, signal?: AbortSignal) =>
    call<T>(service.url, "POST", path, body, { signal });
  return {
    try: (transactionId: string, accountNo: string, points: string, signal?: AbortSignal) =>
      post<PointsBranchAnswer>("/tcc/try", { transactionId, branchId: FEE_POINTS_BRANCH, accountNo, points }, signal),
    confirm: (transactionId: string, spent: string, signal?: AbortSignal) =>
      post<PointsBranchAnswer>("/tcc/confirm", { transactionId, branchId: FEE_POINTS_BRANCH, spent }, signal),
    cancel: (transactionId: string, signal?: AbortSignal) =>
      post<PointsBranchAnswer>("/tcc/cancel", { transactionId, branchId: FEE_POINTS_BRANCH }, signal),
    credit: (accountNo: string, key: string, points: string) =>
      post<{ available: string; held: string }>(`/accounts/${accountNo}/credits`, { key, points, reason: "test" }),
    balance: async (accountNo: string) => {
      const answer = await call<{ accountNo: string; available: string; held: string }>(
        service.url,
        "GET",
        `/accounts/${accountNo}`,
      );
      expect(answer.status).toBe(200);
      return { available: answer.body.available, held: answer.body.held };
    },
    reservation: (transactionId: string) =>
      call<PointsBranchAnswer["reservation"]>(
        service.url,
        "GET",
        `/reservations/${transactionId}/${FEE_POINTS_BRANCH}`,
      ),
  };
}
export type PointsClient = ReturnType<typeof clientFor>;

/** A fresh account with `points` credited, so tests in one file never share balances. */
export async function fundedAccount(client: PointsClient, points: string): Promise<string> {
  const accountNo = `T-${randomBytes(4).toString("hex")}`;
  if (points !== "0") expect((await client.credit(accountNo, `fund:${accountNo}`, points)).status).toBe(200);
  return accountNo;
}

/** The account's entries straight from the service's database, oldest first. */
export async function entriesOf(
  service: PointsService,
  accountNo: string,
): Promise<{ amount: string; kind: string; transaction_id: string | null }[]> {
  const client = new pg.Client({ connectionString: service.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT amount, kind, transaction_id FROM points_entries WHERE account_no = $1 ORDER BY id",
      [accountNo],
    );
    return rows;
  } finally {
    await client.end();
  }
}

export const newTransactionId = (): string => randomUUID();

export interface ServiceHarness {
  service: PointsService;
  client: PointsClient;
}

/**
 * One service and database for the file; after every test the faults are reset and the invariants must hold.
 * Read the harness inside tests (it is filled in beforeAll, which is also when `overrides` is called).
 */
export function useService(overrides: () => Partial<PointsServiceOptions> = () => ({})): ServiceHarness {
  const harness = {} as ServiceHarness;
  let database: ThrowawayDatabase;
  beforeAll(async () => {
    database = await createThrowawayDatabase();
    harness.service = await startService({ databaseUrl: database.url, ...overrides() });
    harness.client = clientFor(harness.service);
  });
  afterEach(async () => {
    harness.service.faults.reset();
    expect(await harness.service.invariants()).toEqual([]);
  });
  afterAll(async () => {
    await harness.service?.close();
    await database?.drop();
  });
  return harness;
}
