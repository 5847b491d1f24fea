import { z } from "zod";
import { accountSummary } from "../../ledger/accountSummary";
import { INSTRUMENTS } from "../../market/instruments";
import { cancelOrder } from "../../orders/cancelOrder";
import { openOrderChanges } from "../../orders/changeStream";
import { placeOrder } from "../../orders/placeOrder";
import { ZPlaceOrderInput } from "../../orders/placeOrder.schema";
import { getAccountOrder, listAccountOrders } from "../../orders/queries";
import { ticketSettings } from "../../orders/ticketSettings";
import { toOrderView } from "../../orders/views";
import { router } from "../init";
import { customerProcedure } from "../procedures";

const ZOrderId = z.object({ orderId: z.uuid("That is not a valid order id.") });

export const accountRouter = router({
  summary: customerProcedure.query(({ ctx }) =>
    accountSummary(
      ctx.services.prisma,
      ctx.services.quotes,
      ctx.account,
      ctx.services.fxDesk.rate(),
      ctx.services.points.balance(ctx.account.accountNo),
    ),
  ),
});

export const marketRouter = router({
  quotes: customerProcedure.query(({ ctx }) => ctx.services.quotes.all()),
  /** The commission rate and market-buy collar the order ticket estimates with: the ones the server charges. */
  ticketSettings: customerProcedure.query(({ ctx }) => ticketSettings(ctx.services)),
  /** Whether the market and each symbol are open for new orders now (the entry circuit), and where orders go. */
  entry: customerProcedure.query(({ ctx }) =>
    ctx.services.entry.view(INSTRUMENTS.map((instrument) => instrument.symbol)),
  ),
});

export const ordersRouter = router({
  place: customerProcedure
    .input(ZPlaceOrderInput)
    .mutation(async ({ ctx, input }) => toOrderView(await placeOrder({ ctx, input }), ctx.account.accountNo)),
  cancel: customerProcedure
    .input(ZOrderId)
    .mutation(async ({ ctx, input }) => toOrderView(await cancelOrder({ ctx, input }), ctx.account.accountNo)),
  list: customerProcedure
    .input(
      z
        .object({ scope: z.enum(["open", "all"]).default("all"), limit: z.number().int().min(1).max(500).optional() })
        .default({ scope: "all" }),
    )
    .query(({ ctx, input }) => listAccountOrders(ctx.services.prisma, ctx.account, input)),
  byId: customerProcedure
    .input(ZOrderId)
    .query(({ ctx, input }) => getAccountOrder(ctx.services.prisma, ctx.account, input.orderId)),
  /** Changes of the signed-in customer's own orders; the account comes from the session, never from the input. */
  onChange: customerProcedure.subscription(({ ctx, signal }) =>
    openOrderChanges(ctx.services.orderFeed, { accountId: ctx.account.id, signal }),
  ),
});
