// The one interface the fee points service sits behind. It is another institution's system as far as we can know it:
// an answer we could not get (timeout, dropped connection, 5xx, an unreadable 2xx) is a BrokerUnavailableError with
// the partner id "points", and means the outcome is unknown; a definite "no" is a PointsRefusal, and nothing changed.
import type {
  PointsBalance,
  PointsBranchAnswer,
  PointsCancelRequest,
  PointsConfirmRequest,
  PointsCreditRequest,
  PointsRefusalCode,
  PointsReservation,
  PointsTryRequest,
} from "./wire";

import { instanceOfAnyCopy } from "../shared/errors";

export { BrokerUnavailableError } from "../broker/port";

export const POINTS_PARTNER_ID = "points";

const POINTS_REFUSAL = Symbol.for("meridian.PointsRefusal");

/** A definite refusal from the points service: nothing changed there. Recognized across module copies. */
export class PointsRefusal extends Error {
  readonly [POINTS_REFUSAL] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return instanceOfAnyCopy(this, PointsRefusal, POINTS_REFUSAL, value);
  }

  constructor(
    readonly code: PointsRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = "PointsRefusal";
  }
}

export interface PointsService {
  try(request: PointsTryRequest, signal?: AbortSignal): Promise<PointsBranchAnswer>;
  confirm(request: PointsConfirmRequest, signal?: AbortSignal): Promise<PointsBranchAnswer>;
  cancel(request: PointsCancelRequest, signal?: AbortSignal): Promise<PointsBranchAnswer>;
  balance(accountNo: string, signal?: AbortSignal): Promise<PointsBalance>;
  /** Credits points (a reward), idempotent by `request.key`. */
  credit(accountNo: string, request: PointsCreditRequest, signal?: AbortSignal): Promise<PointsBalance>;
  /** The service's report: every reservation updated since `since`, oldest first. */
  report(since: Date, signal?: AbortSignal): Promise<PointsReservation[]>;
}
