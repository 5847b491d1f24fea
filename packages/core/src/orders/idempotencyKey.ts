// A customer's idempotency key names one order, strictly (as Stripe's keys do): the same key with the same terms gets
// the stored order back, whatever has happened to it since; the same key with other terms is a mistake the customer
// must hear about, never a silent replay of a different order. Looked up before anything is priced, so a replay works
// while quotes are down. The race between two requests with one key is closed by the unique index (account, key): the
// loser's insert fails and it is answered by a second look-up, so the placing transaction needs none of its own.
import { Prisma, type DbOrTx, type Order } from "@meridian/db";
import { DomainError } from "../shared/errors";
import { dec, qty } from "../shared/money";
import type { TPlaceOrderInput } from "./placeOrder.schema";

/** The stored order for the request's key, or null when the request has no key or the key is new. */
export async function replayByKey(db: DbOrTx, accountId: string, input: TPlaceOrderInput): Promise<Order | null> {
  if (!input.idempotencyKey) return null;
  const stored = await db.order.findUnique({
    where: { accountId_idempotencyKey: { accountId, idempotencyKey: input.idempotencyKey } },
  });
  if (!stored) return null;
  const differences = differingTerms(stored, input);
  if (differences.length > 0) {
    throw new DomainError(
      "CONFLICT",
      `Idempotency key ${input.idempotencyKey} was already used for order ${stored.id} (${describeTerms(stored)}); this request differs: ${differences.join("; ")}. ` +
        "Use a new key for a new order, or resend exactly the same order to get that one back.",
      "idempotencyKey",
    );
  }
  return stored;
}

/** The insert that lost a race for the key: the unique index (account, key) refused it. */
export function isKeyCollision(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

type Terms = Pick<Order, "symbol" | "side" | "type" | "quantity" | "limitPrice" | "payFeeWithPoints">;

function differingTerms(stored: Terms, input: TPlaceOrderInput): string[] {
  const limitPrice = input.limitPrice ? dec(input.limitPrice) : null;
  const payFeeWithPoints = input.payFeeWithPoints ?? false;
  const differences: string[] = [];
  const differ = (name: string, before: string, now: string) => differences.push(`${name} ${before} there, not ${now}`);
  if (stored.symbol !== input.symbol) differ("symbol", stored.symbol, input.symbol);
  if (stored.side !== input.side) differ("side", stored.side, input.side);
  if (stored.type !== input.type) differ("type", stored.type, input.type);
  if (!stored.quantity.equals(input.quantity)) differ("quantity", qty(stored.quantity), input.quantity);
  const sameLimit =
    stored.limitPrice === null || limitPrice === null
      ? stored.limitPrice === limitPrice
      : stored.limitPrice.equals(limitPrice);
  if (!sameLimit) differ("limit price", stored.limitPrice?.toFixed(2) ?? "none", limitPrice?.toFixed(2) ?? "none");
  if (stored.payFeeWithPoints !== payFeeWithPoints)
    differ("commission in points", yesNo(stored.payFeeWithPoints), yesNo(payFeeWithPoints));
  return differences;
}

function describeTerms(order: Terms): string {
  return `${order.side} ${qty(order.quantity)} ${order.symbol} ${order.type}${order.limitPrice ? ` @ ${order.limitPrice.toFixed(2)}` : ""}`;
}

const yesNo = (value: boolean) => (value ? "yes" : "no");
