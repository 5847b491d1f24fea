// admin.*: the operator console. Every procedure checks the operator's role (operatorProcedure; stepUpProcedure, which
// also wants a recent password confirmation, for actions that move money or change the system) and dispatches to a
// handler beside its domain; the decision queues (attention, pending, recon, quarantine) each take one decision
// (act/resolve/decide/review) or a bulk one (preview, then decideMany: operator/bulk.ts).
import type { Order } from "@meridian/db";
import { listLoginFailures } from "../../auth/loginAudit";
import { listAccountSessions, revokeAccountSession } from "../../auth/operatorSessions";
import { ZAccountSessionsInput, ZRevokeSessionInput } from "../../auth/sessions.schema";
import { BrokerUnavailableError } from "../../broker/port";
import { forceBreaker, releaseBreaker, setBrokerTps } from "../../flow/levers";
import { ZForceBreakerInput, ZReleaseBreakerInput, ZSetBrokerTpsInput } from "../../flow/levers.schema";
import { brokerOverview } from "../../flow/overview";
import { actOnAttention, listAttention } from "../../gateway/attention";
import { ZAttentionActInput, ZAttentionDecideManyInput, ZAttentionPreviewInput } from "../../gateway/attention.schema";
import { decideManyAttention, previewAttention } from "../../gateway/attentionBulk";
import { decideManyPending, previewPending } from "../../gateway/pendingBulk";
import { resolvePendingByOperator } from "../../gateway/pendingReservations";
import {
  ZPendingDecideManyInput,
  ZPendingPreviewInput,
  ZPendingResolveInput,
} from "../../gateway/pendingReservations.schema";
import { countOpenViolations, listInvariantViolations } from "../../invariants/queries";
import { ZInvariantViolationsInput } from "../../invariants/invariants.schema";
import { accountDetail } from "../../ledger/accountDetail";
import { ZAccountDetailInput } from "../../ledger/accountDetail.schema";
import { listParkedMessages } from "../../messaging/parking";
import { pipelineStatus } from "../../messaging/pipelineStatus";
import { retryParkedMessage } from "../../messaging/retryParked";
import { ZRetryParkedInput } from "../../messaging/retryParked.schema";
import { setBrokerFaults } from "../../operator/brokerFaults";
import { ZSetBrokerFaultsInput } from "../../operator/brokerFaults.schema";
import { ZAdminOrderFilter, ZOrderDetailInput } from "../../orders/adminOrders.schema";
import { openOrderChanges } from "../../orders/changeStream";
import { orderDetailForOperator } from "../../orders/orderDetail";
import { listAllOrders, orderStats } from "../../orders/queries";
import { countOpenQuarantine, listQuarantine } from "../../receiver/quarantine";
import {
  ZQuarantineDecideManyInput,
  ZQuarantineInput,
  ZQuarantinePreviewInput,
  ZQuarantineReviewInput,
} from "../../receiver/quarantine.schema";
import { reviewQuarantineEntry } from "../../receiver/review";
import { decideManyQuarantine, previewQuarantine } from "../../receiver/reviewMany";
import { listLateFills } from "../../settlement/lateFills";
import { listFeePointsBranches, listPending } from "../../tcc/queries";
import { reconcileFeePoints } from "../../tcc/reconcileFeePoints";
import { withPhase } from "../../fx/phases";
import { reconcileFxDesk } from "../../fx/reconcileDesk";
import { resolveCompensation, retryCompensation } from "../../saga/compensationRegistry";
import { ZCompensationDecisionInput, ZSagaIdInput, ZSagaListInput } from "../../saga/compensationRegistry.schema";
import { findSaga, listSagas, sagaCounts } from "../../saga/queries";
import { DomainError } from "../../shared/errors";
import { router } from "../init";
import { operatorProcedure, stepUpProcedure } from "../procedures";
import { reconRouter } from "./recon";

/** What a single decision on an order answers: the order and the status it is in now. */
const decided = (order: Order) => ({ orderId: order.id, status: order.status });

export const adminRouter = router({
  orders: router({
    list: operatorProcedure
      .input(ZAdminOrderFilter.default({}))
      .query(({ ctx, input }) => listAllOrders(ctx.services.prisma, input)),
    detail: operatorProcedure
      .input(ZOrderDetailInput)
      .query(({ ctx, input }) => orderDetailForOperator({ ctx, input })),
    /** Changes of every order, for the console. */
    onChange: operatorProcedure.subscription(({ ctx, signal }) => openOrderChanges(ctx.services.orderFeed, { signal })),
  }),
  accounts: router({
    detail: operatorProcedure
      .input(ZAccountDetailInput)
      .query(({ ctx, input }) => accountDetail(ctx.services.prisma, ctx.services.points, input.accountId)),
  }),
  attention: router({
    list: operatorProcedure.query(({ ctx }) => listAttention(ctx.services)),
    act: stepUpProcedure
      .input(ZAttentionActInput)
      .mutation(({ ctx, input }) => actOnAttention({ ctx, input }).then(decided)),
    preview: operatorProcedure
      .input(ZAttentionPreviewInput)
      .query(({ ctx, input }) => previewAttention({ ctx, input })),
    decideMany: stepUpProcedure
      .input(ZAttentionDecideManyInput)
      .mutation(({ ctx, input }) => decideManyAttention({ ctx, input })),
  }),
  brokers: router({
    overview: operatorProcedure.query(({ ctx }) => brokerOverview({ ctx })),
    setFaults: stepUpProcedure
      .input(ZSetBrokerFaultsInput)
      .mutation(({ ctx, input }) => setBrokerFaults({ ctx, input })),
    forceBreaker: stepUpProcedure.input(ZForceBreakerInput).mutation(({ ctx, input }) => forceBreaker({ ctx, input })),
    releaseBreaker: stepUpProcedure
      .input(ZReleaseBreakerInput)
      .mutation(({ ctx, input }) => releaseBreaker({ ctx, input })),
    setTps: stepUpProcedure.input(ZSetBrokerTpsInput).mutation(({ ctx, input }) => setBrokerTps({ ctx, input })),
  }),
  pending: router({
    list: operatorProcedure.query(({ ctx }) => listPending(ctx.services.prisma)),
    resolve: stepUpProcedure
      .input(ZPendingResolveInput)
      .mutation(({ ctx, input }) => resolvePendingByOperator({ ctx, input }).then(decided)),
    preview: operatorProcedure.input(ZPendingPreviewInput).query(({ ctx, input }) => previewPending({ ctx, input })),
    decideMany: stepUpProcedure
      .input(ZPendingDecideManyInput)
      .mutation(({ ctx, input }) => decideManyPending({ ctx, input })),
  }),
  /**
   * The fee points branch at the points service: Confirms and Cancels not acknowledged yet (with attempts and the last
   * error) or refused, and our records against the service's report.
   */
  feePoints: router({
    branches: operatorProcedure.query(({ ctx }) => listFeePointsBranches(ctx.services.prisma)),
    reconciliation: operatorProcedure.query(({ ctx }) =>
      reconcileFeePoints(ctx.services.prisma, ctx.services.points).catch((error: unknown) => {
        throw new DomainError(
          "SERVICE_UNAVAILABLE",
          `The fee points service did not answer (${(error as Error).message}). Reload in a moment.`,
        );
      }),
    ),
  }),
  /** Broker callbacks the receiver refused and executions the ledger refused, newest first; operators review them. */
  quarantine: router({
    list: operatorProcedure
      .input(ZQuarantineInput.default({}))
      .query(({ ctx, input }) => listQuarantine(ctx.services.prisma, input)),
    openCount: operatorProcedure.query(({ ctx }) => countOpenQuarantine(ctx.services.prisma)),
    review: stepUpProcedure
      .input(ZQuarantineReviewInput)
      .mutation(({ ctx, input }) => reviewQuarantineEntry({ ctx, input })),
    preview: operatorProcedure
      .input(ZQuarantinePreviewInput)
      .query(({ ctx, input }) => previewQuarantine({ ctx, input })),
    decideMany: stepUpProcedure
      .input(ZQuarantineDecideManyInput)
      .mutation(({ ctx, input }) => decideManyQuarantine({ ctx, input })),
  }),
  stats: operatorProcedure.query(({ ctx }) => orderStats(ctx.services.prisma)),
  /**
   * Executions booked for orders we had already closed, in the last 7 days, newest first: each wants an operator's
   * look.
   */
  lateFills: operatorProcedure.query(({ ctx }) => listLateFills(ctx.services.prisma)),
  /** Transport mode (Kafka or polling) from a worker's /health, the outbox backlog per topic, and where the worker's
   * receiver listens (the URL brokers post executions to). */
  pipeline: operatorProcedure.query(({ ctx }) => pipelineStatus({ ctx })),
  /**
   * Messages whose handler kept failing, each holding back its order's later messages; an operator can retry one now.
   */
  parkedMessages: router({
    list: operatorProcedure.query(({ ctx }) => listParkedMessages(ctx.services.prisma)),
    retry: stepUpProcedure.input(ZRetryParkedInput).mutation(({ ctx, input }) => retryParkedMessage({ ctx, input })),
  }),
  recon: reconRouter,
  /** Sagas (seed 004): every saga with its steps, and the compensation registry's decisions. */
  sagas: router({
    list: operatorProcedure
      .input(ZSagaListInput.default({ limit: 200 }))
      .query(async ({ ctx, input }) => (await listSagas(ctx.services.prisma, input)).map(withPhase)),
    detail: operatorProcedure
      .input(ZSagaIdInput)
      .query(async ({ ctx, input }) => withPhase(await findSaga(ctx.services.prisma, input.sagaId))),
    counts: operatorProcedure.query(({ ctx }) => sagaCounts(ctx.services.prisma)),
    /** 대사 with the FX desk over the last day: its report against our conversions. */
    fxReconciliation: operatorProcedure.query(({ ctx }) =>
      reconcileFxDesk(ctx.services, { since: new Date(Date.now() - 86_400_000), graceMs: 60_000 }).catch(
        (error: unknown) => {
          if (!(error instanceof BrokerUnavailableError)) throw error;
          throw new DomainError(
            "SERVICE_UNAVAILABLE",
            `The FX desk did not answer its report (${error.message}). Reload in a moment; check the desk on the Brokers page.`,
          );
        },
      ),
    ),
    retryCompensation: stepUpProcedure
      .input(ZCompensationDecisionInput)
      .mutation(({ ctx, input }) => retryCompensation({ ctx, input })),
    resolveCompensation: stepUpProcedure
      .input(ZCompensationDecisionInput)
      .mutation(({ ctx, input }) => resolveCompensation({ ctx, input })),
  }),
  /**
   * A customer's sessions (the account page): listed with their state, and revoked one at a time with a reason. Not a
   * step-up action: ending a session moves no money, and an operator should be able to do it at once.
   */
  sessions: router({
    list: operatorProcedure.input(ZAccountSessionsInput).query(({ ctx, input }) => listAccountSessions({ ctx, input })),
    revoke: operatorProcedure
      .input(ZRevokeSessionInput)
      .mutation(({ ctx, input }) => revokeAccountSession({ ctx, input })),
  }),
  /** The last 50 failed or locked-out sign-ins (audit log): guessing in progress shows here first. */
  loginFailures: operatorProcedure.query(({ ctx }) => listLoginFailures(ctx.services.prisma, { limit: 50 })),
  /** What the worker's invariants role found: open and recently resolved violations, and what its passes cost. */
  invariants: router({
    list: operatorProcedure
      .input(ZInvariantViolationsInput.default({}))
      .query(({ ctx, input }) => listInvariantViolations(ctx.services.prisma, input)),
    openCount: operatorProcedure.query(({ ctx }) => countOpenViolations(ctx.services.prisma)),
  }),
});
