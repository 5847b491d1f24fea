import { z } from "zod";
import { DomainError } from "../../shared/errors";
import { OrderStatus } from "@meridian/db";
import { recordAudit } from "../../audit/audit";
import { orderHistory } from "../../audit/history";
import { brokerCallStats } from "../../broker/callLog";
import { ZBrokerFaults } from "../../broker/simulatorControl";
import { actOnAttention, listAttention } from "../../gateway/attention";
import { countOpenViolations, listInvariantViolations } from "../../invariants/queries";
import { ZInvariantViolationsInput } from "../../invariants/invariants.schema";
import { pipelineView } from "../../messaging/health";
import { listParkedMessages } from "../../messaging/parking";
import { retryParkedMessage } from "../../messaging/retryParked";
import { ZRetryParkedInput } from "../../messaging/retryParked.schema";
import { accountDetail } from "../../ledger/accountDetail";
import { openOrderChanges } from "../../orders/changeStream";
import { getOrderDetail, listAllOrders, orderStats } from "../../orders/queries";
import { countOpenQuarantine, listQuarantine } from "../../receiver/quarantine";
import { ZQuarantineInput, ZQuarantineReviewInput } from "../../receiver/quarantine.schema";
import { reviewQuarantineEntry } from "../../receiver/review";
import { listLateFills } from "../../settlement/lateFills";
import { resolvePendingByOperator } from "../../gateway/pendingReservations";
import { listPending, tccOfOrder } from "../../tcc/queries";
import { router } from "../init";
import { operatorProcedure } from "../procedures";
import { reconRouter } from "./recon";

export const ZAdminOrderFilter = z.object({
  status: z.enum(OrderStatus).optional(),
  symbol: z.string().trim().max(12).optional(),
  accountNo: z.string().trim().max(32).optional(),
  brokerId: z.string().trim().max(32).optional(),
  limit: z.number().int().min(1).max(2000).optional(),
});

export const adminRouter = router({
  orders: router({
    list: operatorProcedure
      .input(ZAdminOrderFilter.default({}))
      .query(({ ctx, input }) => listAllOrders(ctx.services.prisma, input)),
    detail: operatorProcedure
      .input(z.object({ orderId: z.uuid("That is not a valid order id.") }))
      .query(async ({ ctx, input }) => {
        const detail = await getOrderDetail(ctx.services.prisma, input.orderId);
        const [tcc, history] = await Promise.all([
          tccOfOrder(ctx.services.prisma, input.orderId),
          orderHistory(ctx.services.prisma, input.orderId),
        ]);
        return { ...detail, tcc, history };
      }),
    /** Changes of every order, for the console. */
    onChange: operatorProcedure.subscription(({ ctx, signal }) => openOrderChanges(ctx.services.orderFeed, { signal })),
  }),
  accounts: router({
    detail: operatorProcedure
      .input(z.object({ accountId: z.uuid("That is not a valid account id.") }))
      .query(({ ctx, input }) => accountDetail(ctx.services.prisma, input.accountId)),
  }),
  attention: router({
    list: operatorProcedure.query(({ ctx }) => listAttention(ctx.services)),
    act: operatorProcedure
      .input(
        z.object({
          orderId: z.uuid("That is not a valid order id."),
          action: z.enum(["RETRY", "REJECT", "CANCEL"]),
          reason: z
            .string()
            .trim()
            .min(5, "Give a reason of at least 5 characters; it is kept in the audit log.")
            .max(500),
        }),
      )
      .mutation(async ({ ctx, input }) => {
        const order = await actOnAttention({
          ctx: { services: ctx.services, actor: ctx.actor, retryPolicy: ctx.services.retryPolicy },
          input,
        });
        return { orderId: order.id, status: order.status };
      }),
  }),
  brokers: router({
    overview: operatorProcedure.query(async ({ ctx }) => {
      const stats = await brokerCallStats(ctx.services.prisma);
      const routing = ctx.services.brokers.routing;
      return Promise.all(
        ctx.services.brokers.all().map(async (broker) => ({
          brokerId: broker.brokerId,
          capabilities: broker.capabilities,
          isDefault: routing.defaultBrokerId === broker.brokerId,
          symbols: Object.entries(routing.bySymbol)
            .filter(([, brokerId]) => brokerId === broker.brokerId)
            .map(([symbol]) => symbol),
          calls: stats.find((row) => row.brokerId === broker.brokerId) ?? {
            brokerId: broker.brokerId,
            inFlight: 0,
            calls: 0,
            errorRate: 0,
            p50Ms: null,
            p99Ms: null,
          },
          faults: await ctx.services.simulator.faults(broker.brokerId),
        })),
      );
    }),
    setFaults: operatorProcedure
      .input(
        z.object({
          brokerId: z.string().min(1).max(32),
          faults: ZBrokerFaults.partial().strict(),
          reason: z
            .string()
            .trim()
            .min(5, "Give a reason of at least 5 characters; it is kept in the audit log.")
            .max(500),
        }),
      )
      .mutation(async ({ ctx, input }) => {
        ctx.services.brokers.get(input.brokerId);
        const faults = await ctx.services.simulator.setFaults(input.brokerId, input.faults).catch((error: Error) => {
          throw new DomainError("BAD_REQUEST", `${error.message} Nothing was changed.`);
        });
        await ctx.services.prisma.$transaction((tx) =>
          recordAudit(tx, {
            actor: ctx.actor,
            action: "broker.faults",
            targetType: "broker",
            targetId: input.brokerId,
            reason: input.reason,
            detail: input.faults,
          }),
        );
        return faults;
      }),
  }),
  pending: router({
    list: operatorProcedure.query(({ ctx }) => listPending(ctx.services.prisma)),
    resolve: operatorProcedure
      .input(
        z.object({
          orderId: z.uuid("That is not a valid order id."),
          decision: z.enum(["CONFIRM", "CANCEL"]),
          reason: z
            .string()
            .trim()
            .min(5, "Give a reason of at least 5 characters; it is kept in the audit log.")
            .max(500),
        }),
      )
      .mutation(async ({ ctx, input }) => {
        const order = await resolvePendingByOperator({ ctx: { services: ctx.services, actor: ctx.actor }, input });
        return { orderId: order.id, status: order.status };
      }),
  }),
  /** Broker callbacks the receiver refused and executions the ledger refused, newest first; operators review them. */
  quarantine: router({
    list: operatorProcedure
      .input(ZQuarantineInput.default({}))
      .query(({ ctx, input }) => listQuarantine(ctx.services.prisma, input)),
    openCount: operatorProcedure.query(({ ctx }) => countOpenQuarantine(ctx.services.prisma)),
    review: operatorProcedure
      .input(ZQuarantineReviewInput)
      .mutation(({ ctx, input }) => reviewQuarantineEntry({ ctx, input })),
  }),
  stats: operatorProcedure.query(({ ctx }) => orderStats(ctx.services.prisma)),
  /** Executions booked for orders we had already closed, in the last 7 days, newest first: each wants an operator's look. */
  lateFills: operatorProcedure.query(({ ctx }) => listLateFills(ctx.services.prisma)),
  /** Transport mode (Kafka or polling) from a worker's /health, the outbox backlog per topic, and where the worker's
   * receiver listens (the URL brokers post executions to; `start.ts --fresh` picks its port at random). */
  pipeline: operatorProcedure.query(async ({ ctx }) => {
    const { receiverUrl } = ctx.services;
    return { ...(await pipelineView(ctx.services.prisma, `${receiverUrl}/health`)), receiverUrl };
  }),
  /** Messages whose handler kept failing, each holding back its order's later messages; an operator can retry one now. */
  parkedMessages: router({
    list: operatorProcedure.query(({ ctx }) => listParkedMessages(ctx.services.prisma)),
    retry: operatorProcedure.input(ZRetryParkedInput).mutation(({ ctx, input }) => retryParkedMessage({ ctx, input })),
  }),
  recon: reconRouter,
  /** What the worker's invariants role found: open and recently resolved violations, and what its passes cost. */
  invariants: router({
    list: operatorProcedure
      .input(ZInvariantViolationsInput.default({}))
      .query(({ ctx, input }) => listInvariantViolations(ctx.services.prisma, input)),
    openCount: operatorProcedure.query(({ ctx }) => countOpenViolations(ctx.services.prisma)),
  }),
});
