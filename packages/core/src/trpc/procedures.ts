// Procedures are middleware chains that narrow ctx. Authorization runs before any business state is read.
import { TRPCError } from "@trpc/server";
import { baseProcedure } from "./init";

export const publicProcedure = baseProcedure;

export const authedProcedure = baseProcedure.use(({ ctx, next }) => {
  const user = ctx.session.user;
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has ended. Sign in again." });
  return next({ ctx: { user } });
});

/** A signed-in customer and the account they act on (`ctx.account`). */
export const customerProcedure = authedProcedure.use(async ({ ctx, next }) => {
  if (ctx.user.role !== "CUSTOMER")
    throw new TRPCError({ code: "FORBIDDEN", message: "Trading is for customer accounts. Sign in as a customer." });
  const account = await ctx.services.prisma.account.findFirst({
    where: { userId: ctx.user.userId },
    select: { id: true, accountNo: true },
    orderBy: { createdAt: "asc" },
  });
  if (!account)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "No brokerage account is open for this login yet. Contact support to open one.",
    });
  return next({ ctx: { account, actor: `customer:${ctx.user.userId}` } });
});

export const operatorProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "OPERATOR")
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "This console is for operators. Sign in with an operator account.",
    });
  return next({ ctx: { actor: `operator:${ctx.user.userId}` } });
});
