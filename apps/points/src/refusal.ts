// The service's definite refusals: nothing changed, and the message tells the caller what to do instead. Thrown from
// inside a transaction so that it rolls back; the routes turn it into `{ code, message }` with its status.
import type { PointsRefusalCode } from "@meridian/core/points";

const STATUS: Record<PointsRefusalCode, 400 | 401 | 404 | 409 | 422> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  INSUFFICIENT_POINTS: 422,
  SUSPENDED: 409,
  NOT_TRIED: 409,
  ALREADY_CONFIRMED: 409,
  TERMS_CONFLICT: 409,
};

export class PointsRefusal extends Error {
  readonly status: 400 | 401 | 404 | 409 | 422;

  constructor(
    readonly code: PointsRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = "PointsRefusal";
    this.status = STATUS[code];
  }
}
