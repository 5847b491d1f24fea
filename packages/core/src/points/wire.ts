// What crosses the wire between Meridian and the fee points service, defined once: the service (apps/points)
// validates requests and types its answers with these schemas, and our HTTP client sends and reads with the same ones.
// Points are whole numbers (1 point = 1 cent of commission) written as decimal strings, never JSON numbers.
//
// The points service is a TCC participant in another process with its own database. An order that pays commission
// with points opens a TCC transaction whose branch `fee-points` lives there:
//   Try     reserve `points` on the account, behind the service's fence for (transactionId, branchId)
//   Confirm the order is done: `spent` of the reservation leaves the account, the rest is free again
//   Cancel  the order spent nothing (or never came to be): the whole reservation is free again
// Each is idempotent by (transactionId, branchId). Cancel before Try is an empty rollback; a Try after that Cancel is
// refused (SUSPENDED). Both sides authenticate with `Authorization: Bearer <POINTS_SERVICE_SECRET>`.
import { z } from "zod";

/** The branch an order's commission points are reserved under. */
export const FEE_POINTS_BRANCH = "fee-points";

/** Whole points as text, e.g. "1200"; at most 15 digits. */
export const ZPointsString = z.string().regex(/^\d{1,15}$/, "must be a whole number of points, e.g. 1200");
const ZAccountNo = z.string().min(1).max(64);
const ZBranchId = z.string().min(1).max(64);
const ZInstant = z.iso.datetime();

export const ZPointsTryRequest = z
  .object({
    transactionId: z.uuid(),
    branchId: ZBranchId,
    accountNo: ZAccountNo,
    points: ZPointsString,
  })
  .strict();
export type PointsTryRequest = z.infer<typeof ZPointsTryRequest>;

export const ZPointsConfirmRequest = z
  .object({ transactionId: z.uuid(), branchId: ZBranchId, spent: ZPointsString })
  .strict();
export type PointsConfirmRequest = z.infer<typeof ZPointsConfirmRequest>;

export const ZPointsCancelRequest = z.object({ transactionId: z.uuid(), branchId: ZBranchId }).strict();
export type PointsCancelRequest = z.infer<typeof ZPointsCancelRequest>;

export const ZReservationState = z.enum(["TRIED", "CONFIRMED", "CANCELLED"]);
export type ReservationState = z.infer<typeof ZReservationState>;

/** The service's fence row for one branch: what it reserved, and how it ended. */
export const ZPointsReservation = z.object({
  transactionId: z.uuid(),
  branchId: ZBranchId,
  /** Null for the row an empty rollback wrote (a Cancel that came before any Try). */
  accountNo: ZAccountNo.nullable(),
  state: ZReservationState,
  points: ZPointsString,
  spent: ZPointsString,
  /** Who ended it: our Confirm or Cancel ("coordinator") or the service's own sweep ("sweep"); null while TRIED. */
  settledBy: z.enum(["coordinator", "sweep"]).nullable(),
  createdAt: ZInstant,
  updatedAt: ZInstant,
});
export type PointsReservation = z.infer<typeof ZPointsReservation>;

/** What a Try, Confirm or Cancel did; DUPLICATE when the fence shows it was done before (nothing changed now). */
export const ZPointsVerdict = z.enum(["TRIED", "CONFIRMED", "CANCELLED", "EMPTY_ROLLBACK", "DUPLICATE"]);
export type PointsVerdict = z.infer<typeof ZPointsVerdict>;

export const ZPointsBranchAnswer = z.object({ verdict: ZPointsVerdict, reservation: ZPointsReservation });
export type PointsBranchAnswer = z.infer<typeof ZPointsBranchAnswer>;

/**
 * The service's definite refusals (a 4xx with `{ code, message }`): nothing changed. INSUFFICIENT_POINTS (422) on a
 * Try beyond the free balance; SUSPENDED (409) a Try after its Cancel; NOT_TRIED (409) a Confirm with no Try or after
 * Cancel; ALREADY_CONFIRMED (409) a Cancel after Confirm; TERMS_CONFLICT (409) the same (transaction, branch) or credit
 * key with other terms, or a Confirm spending more than was reserved; NOT_FOUND (404); BAD_REQUEST (400);
 * UNAUTHORIZED (401). Anything else (5xx, no answer) is an outcome we do not know.
 */
export const ZPointsRefusalCode = z.enum([
  "INSUFFICIENT_POINTS",
  "SUSPENDED",
  "NOT_TRIED",
  "ALREADY_CONFIRMED",
  "TERMS_CONFLICT",
  "NOT_FOUND",
  "BAD_REQUEST",
  "UNAUTHORIZED",
]);
export type PointsRefusalCode = z.infer<typeof ZPointsRefusalCode>;
export const ZPointsErrorBody = z.object({ code: ZPointsRefusalCode, message: z.string() });

export const ZPointsBalance = z.object({
  accountNo: ZAccountNo,
  /** Free to reserve. */
  available: ZPointsString,
  /** Reserved by TRIED branches. */
  held: ZPointsString,
});
export type PointsBalance = z.infer<typeof ZPointsBalance>;

/** A credit (a reward, the demo seed): idempotent by `key`; the same key with other points is TERMS_CONFLICT. */
export const ZPointsCreditRequest = z
  .object({ key: z.string().min(1).max(128), points: ZPointsString, reason: z.string().min(1).max(200) })
  .strict();
export type PointsCreditRequest = z.infer<typeof ZPointsCreditRequest>;

/** GET /reservations?since=<ISO instant>: the service's report, every fence row updated since then (oldest first). */
export const ZPointsReport = z.object({ reservations: z.array(ZPointsReservation) });
export type PointsReport = z.infer<typeof ZPointsReport>;

/**
 * The coordinator's answer to the service's sweep (POST <RECEIVER_URL>/tcc/outcome, served by our worker): how a
 * branch left TRIED ended on our side. PENDING: the order is still open, keep the reservation. CONFIRM: the order is
 * done and spent `spent`. CANCEL: the order spent nothing, or never came to be (a transaction we have no record of is
 * answered CANCEL, and from then on our placement with that id can no longer commit).
 */
export const ZOutcomeRequest = z
  .object({ transactionId: z.uuid(), branchId: ZBranchId, accountNo: ZAccountNo, points: ZPointsString })
  .strict();
export type OutcomeRequest = z.infer<typeof ZOutcomeRequest>;
export const ZOutcomeAnswer = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("PENDING") }),
  z.object({ outcome: z.literal("CONFIRM"), spent: ZPointsString }),
  z.object({ outcome: z.literal("CANCEL") }),
]);
export type OutcomeAnswer = z.infer<typeof ZOutcomeAnswer>;

/** The service's fault switches (GET/PUT /faults), in the brokers' spirit; all off by default. */
export const ZPointsFaults = z.object({
  /** Added before each Try, Confirm and Cancel is processed. */
  latencyMs: z.number().int().min(0).max(60_000),
  /** The request is never processed and never answered (the connection hangs until the caller gives up). */
  dropRequestRate: z.number().min(0).max(1),
  /** The request is processed, then the answer is never sent. */
  dropResponseRate: z.number().min(0).max(1),
  /** 503 before processing. */
  errorRate: z.number().min(0).max(1),
  /** Every Try, Confirm and Cancel answers 503 without processing. */
  down: z.boolean(),
});
export type PointsFaults = z.infer<typeof ZPointsFaults>;
export const ZPointsFaultsPatch = ZPointsFaults.partial().strict();
export type PointsFaultsPatch = z.infer<typeof ZPointsFaultsPatch>;
export const NO_POINTS_FAULTS: Readonly<PointsFaults> = Object.freeze({
  latencyMs: 0,
  dropRequestRate: 0,
  dropResponseRate: 0,
  errorRate: 0,
  down: false,
});
