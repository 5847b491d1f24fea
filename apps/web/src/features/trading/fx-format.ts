// Won and the USD/KRW rate as the customer reads them. Won has no minor unit; a rate is won per dollar, to the jeon.
import { formatFixed } from "@/lib/decimal";
import { money } from "@/lib/format";
import type { Currency, FxSaga } from "./types";

/** "₩1,380,000" (rounded to the won). */
export const won = (value: string | null | undefined) => (value == null ? "—" : `₩${formatFixed(value, 0)}`);

/** "₩1,380.25" per dollar. */
export const rate = (value: string | null | undefined) => (value == null ? "—" : `₩${formatFixed(value, 2)}`);

/** An amount in its own currency: "₩1,000,000" or "$724.64". */
export const amountIn = (currency: Currency, value: string | null | undefined) =>
  currency === "KRW" ? won(value) : value == null ? "—" : `$${money(value)}`;

/** Statuses after which a saga changes no more on its own. */
const ENDED: ReadonlySet<string> = new Set(["COMPLETED", "COMPENSATED", "FAILED"]);

export const sagaEnded = (saga: Pick<FxSaga, "status">) => ENDED.has(saga.status);

/** A refund an operator must settle: nothing moves until they do, so it needs no fast polling. */
export const sagaWaitsForOperator = (saga: Pick<FxSaga, "status">) => saga.status === "NEEDS_OPERATOR";
