import { signIn } from "../../auth/login";
import { ZLoginInput } from "../../auth/login.schema";
import { endSession, signOutEverywhere, startSession } from "../../auth/ownSession";
import { ZStepUpInput } from "../../auth/sessions.schema";
import { stepUp } from "../../auth/stepUp";
import { router } from "../init";
import { authedProcedure, operatorProcedure, publicProcedure } from "../procedures";

export { ZLoginInput };

export const authRouter = router({
  login: publicProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const user = await signIn({ ctx, input });
    await startSession({ ctx, user: { userId: user.id, role: user.role } });
    return { role: user.role };
  }),
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await endSession({ ctx, user: ctx.user });
    return { ok: true };
  }),
  /** Ends every session of the caller, on every device, this one included. */
  signOutEverywhere: authedProcedure.mutation(({ ctx }) => signOutEverywhere({ ctx, user: ctx.user })),
  /** The operator confirms their password; operator actions that need it are allowed for SESSION_STEP_UP_MS. */
  stepUp: operatorProcedure.input(ZStepUpInput).mutation(({ ctx, input }) => stepUp({ ctx, input })),
  me: publicProcedure.query(async ({ ctx }) => {
    if (!ctx.session.user) return null;
    const user = await ctx.services.prisma.user.findUnique({
      where: { id: ctx.session.user.userId },
      include: { accounts: { select: { id: true, accountNo: true }, orderBy: { createdAt: "asc" }, take: 1 } },
    });
    if (!user) return null;
    return {
      user: { id: user.id, name: user.name, email: user.email, role: user.role },
      account: user.accounts[0] ?? null,
    };
  }),
});
