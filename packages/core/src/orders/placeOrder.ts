// placeOrder: validate → replay by idempotency key → price the holds → (fee points: Try at the points service) →
// account lock → one transaction (order PENDING_NEW, TCC Try on cash or shares, the fee points branch's record; outbox
// event) → return at once. The customer never waits on the broker; the gateway picks the order up from the outbox.
//
// One placement is three round trips: the order, one statement for the TCC record, its barrier rows, the timeline event
// and the outbox row, then the cash (or shares) hold; one more, the points branch's record, when it pays in points.
// Around them the transaction adds BEGIN, the fence and COMMIT, and the lock two Redis round trips; placements of one
// account that wait together share those (placementBatcher.ts), each behind a savepoint of its own. Each round trip
// costs the whole machine about half a millisecond under load, so they are few (see docs/benchmarks.md).
import { randomUUID } from "node:crypto";
import { Prisma, type Order } from "@meridian/db";
import { findInstrument } from "../market/instruments";
import { orderCommandInsert } from "./commands";
import type { AccountRef, CoreServices } from "../services";
import { DomainError } from "../shared/errors";
import { commissionHoldFor, MARKET_BUY_COLLAR } from "../shared/fees";
import { dec, toCentsUp, ZERO, type Decimal } from "../shared/money";
import { beginTcc } from "../tcc/coordinator";
import { abandonFeePoints, recordFeePointsTried, tryFeePoints, type FeePointsTry } from "../tcc/feePoints";
import { participantsOf } from "../tcc/participants";
import type { TPlaceOrderInput } from "./placeOrder.schema";
import { isKeyCollision, replayByKey } from "./idempotencyKey";
import { orderEventInsert } from "./lifecycle";
import { placementBatcherOf } from "./placementBatcher";

export interface PlaceOrderArgs {
  ctx: { services: CoreServices; account: AccountRef; actor: string };
  input: TPlaceOrderInput;
}

export async function placeOrder({ ctx, input }: PlaceOrderArgs): Promise<Order> {
  const { services, account } = ctx;
  if (!findInstrument(input.symbol)) {
    throw new DomainError(
      "BAD_REQUEST",
      `${input.symbol} is not a symbol we trade. Pick one from the quotes list.`,
      "symbol",
    );
  }
  const quantity = dec(input.quantity);
  const limitPrice = input.limitPrice ? dec(input.limitPrice) : null;
  const payFeeWithPoints = input.payFeeWithPoints ?? false;
  // A replay is answered before any quote is fetched: it must not fail because the market cannot be priced right now.
  const replayed = await replayByKey(services.prisma, account.id, input);
  if (replayed) return replayed;
  // The broker is chosen once, here (primary or fallback), and never changed after: see flow/entry.ts. A symbol no
  // broker can take now, or a market without quotes, is refused before anything is priced or written.
  const broker = await services.entry.choose(input.symbol);
  const reservation = await reserveAmounts(services, input, quantity, limitPrice, payFeeWithPoints);
  const transactionId = randomUUID();
  const feePoints = reservation.points.greaterThan(0)
    ? await reserveFeePoints(services, { transactionId, accountNo: account.accountNo, points: reservation.points })
    : null;

  // The placement waits with the account's others in this process and commits with them, in one transaction.
  const placing = placementBatcherOf(services).place(
    account.id,
    { actor: ctx.actor, cause: `place ${input.side} ${input.quantity} ${input.symbol}` },
    async (tx) => {
      // No second look-up by key under the lock: a request with the same key that placed its order meanwhile makes
      // this insert fail on the unique index (account, key), and the catch below answers with that order.
      const order = await tx.order.create({
        data: {
          accountId: account.id,
          idempotencyKey: input.idempotencyKey,
          brokerId: broker.brokerId,
          symbol: input.symbol,
          side: input.side,
          type: input.type,
          quantity,
          limitPrice,
          protectionPrice: reservation.protectionPrice,
          payFeeWithPoints,
          heldCash: reservation.cash,
          heldQuantity: input.side === "SELL" ? quantity : ZERO,
          heldPoints: reservation.points,
        },
      });
      if (feePoints) await recordFeePointsTried(tx, order, feePoints);
      const [primary] = participantsOf(order);
      const placed = (tccTransactionId: string) =>
        orderEventInsert(order.id, {
          kind: "PLACED",
          actor: ctx.actor,
          cause: `${input.side} ${input.quantity} ${input.symbol} ${input.type}${limitPrice ? ` @ ${limitPrice.toFixed(2)}` : ""}${reservation.protectionPrice ? ` (protected at ${reservation.protectionPrice.toFixed(2)})` : ""}${payFeeWithPoints ? ", commission in points" : ""}${broker.reason ? `; ${broker.reason}` : ""}`,
          toStatus: "PENDING_NEW",
          detail: {
            heldCash: reservation.cash.toFixed(2),
            heldQuantity: order.heldQuantity.toString(),
            heldPoints: reservation.points.toString(),
            ...(reservation.protectionPrice ? { protectionPrice: reservation.protectionPrice.toFixed(2) } : {}),
            brokerId: broker.brokerId,
            ...(broker.reason ? { routing: broker.reason } : {}),
            tccTransactionId,
          },
        });
      // TCC Try: each participant reserves behind its barrier; a refusal (not enough cash, shares or points) rolls the
      // placement back, so nothing is held and no order exists. The timeline's PLACED event and the gateway's
      // OrderPlaced command (the outbox row) ride in the statement that opens the TCC transaction: one round trip.
      await beginTcc(
        tx,
        order,
        services.config.tcc.deadlineMs,
        [{ participant: primary!, amount: input.side === "BUY" ? reservation.cash : quantity }],
        (tccTransactionId) => [
          Prisma.sql`placed_event AS (${placed(tccTransactionId)})`,
          Prisma.sql`placed_command AS (${orderCommandInsert({
            kind: "OrderPlaced",
            orderId: order.id,
            brokerId: order.brokerId,
          })})`,
        ],
        transactionId,
      );
      return order;
    },
  );
  // Two requests with one key: the second to insert finds the first's order in the unique index (account, key), which
  // refuses its insert (also within one batch, or when the lock failed to keep them apart). Answered after the first's
  // commit, it gets the winner's order, or the conflict if its terms differ.
  return placing.catch(async (error: unknown) => {
    // Whatever stopped the placement, the points reserved for it go back (a Cancel sent until acknowledged).
    if (feePoints) await abandonQuietly(services, feePoints);
    if (!isKeyCollision(error)) throw error;
    const winner = await replayByKey(services.prisma, account.id, input);
    if (!winner) throw error;
    return winner;
  });
}

/**
 * Try on the fee points branch, before the account's transaction: the service is another process, and a call to it
 * must not hold the account lock. Without an answer the points may or may not be reserved, so the branch is abandoned
 * (Cancel, until acknowledged) and the customer is told that nothing was placed.
 */
async function reserveFeePoints(services: CoreServices, request: FeePointsTry): Promise<FeePointsTry> {
  if ((await tryFeePoints(services, request)) === "TRIED") return request;
  await abandonQuietly(services, request);
  throw new DomainError(
    "SERVICE_UNAVAILABLE",
    'The fee points service did not answer, so nothing was placed and no points are held. Try again in a moment, or untick "pay commission with points".',
    "payFeeWithPoints",
  );
}

/**
 * Records the abandoned branch for the Cancel to be sent. If even that cannot be written (the database is down too),
 * nothing is lost: the points service's sweep asks us about the reservation later and is told CANCEL.
 */
async function abandonQuietly(services: CoreServices, request: FeePointsTry): Promise<void> {
  await abandonFeePoints(services.prisma, request).catch((error: unknown) =>
    services.logger.warn(
      { transactionId: request.transactionId, err: (error as Error).message },
      "abandoned fee points branch not recorded; the points service's sweep will ask for it",
    ),
  );
}

/**
 * The dollars a buy would hold if it were placed now, priced as placeOrder prices it: what a buy paid in won converts
 * first (fx/buyWithWon.ts).
 */
export async function cashToHoldFor(services: CoreServices, input: TPlaceOrderInput): Promise<Decimal> {
  if (input.side !== "BUY") throw new Error("only a buy holds cash");
  const limitPrice = input.limitPrice ? dec(input.limitPrice) : null;
  const reservation = await reserveAmounts(services, input, dec(input.quantity), limitPrice, !!input.payFeeWithPoints);
  return reservation.cash;
}

/**
 * What Try reserves, priced at the most a buy can pay per share: its limit, or for a market buy the protection price
 * (the ask plus the collar, rounded up to the cent), which the gateway sends as the order's limit so that no fill can
 * cost more than the hold. The commission hold covers per-fill rounding (commissionHoldFor); it is held in points
 * (1 point = 1 cent) when the customer pays commission with points. A sell holds shares; its points hold is estimated
 * at the bid, and any commission beyond it is paid from the sale's proceeds.
 */
async function reserveAmounts(
  services: CoreServices,
  input: TPlaceOrderInput,
  quantity: Decimal,
  limitPrice: Decimal | null,
  payFeeWithPoints: boolean,
) {
  const protectionPrice = input.side === "BUY" && !limitPrice ? await protectionPriceOf(services, input.symbol) : null;
  const estimatedSellPrice =
    input.side === "SELL" && !limitPrice && payFeeWithPoints
      ? dec((await liveQuote(services, input.symbol)).bid)
      : null;
  const unitPrice = limitPrice ?? protectionPrice ?? estimatedSellPrice;
  const notional = unitPrice ? quantity.times(unitPrice) : ZERO;
  const commission = unitPrice ? commissionHoldFor(quantity, unitPrice, services.config.fees.commissionRate) : ZERO;
  const points = payFeeWithPoints ? commission.times(100) : ZERO;
  const cash = input.side === "BUY" ? toCentsUp(payFeeWithPoints ? notional : notional.plus(commission)) : ZERO;
  return { cash, points, protectionPrice };
}

/** A market buy's limit at the broker: the ask plus the collar, rounded up to a whole cent (the broker's tick). */
async function protectionPriceOf(services: CoreServices, symbol: string): Promise<Decimal> {
  const ask = dec((await liveQuote(services, symbol)).ask);
  return toCentsUp(ask.times(dec(1).plus(MARKET_BUY_COLLAR)));
}

async function liveQuote(services: CoreServices, symbol: string) {
  const quote = await services.quotes.forSymbol(symbol).catch(() => null);
  if (!quote) {
    throw new DomainError(
      "SERVICE_UNAVAILABLE",
      `No live quote for ${symbol} right now, so a market order cannot be priced. Try again shortly or place a limit order.`,
    );
  }
  return quote;
}
