import { signIn } from "../../auth/login";
import { ZLoginInput } from "../../auth/login.schema";
import { router } from "../init";
import { authedProcedure, publicProcedure } from "../procedures";

export { ZLoginInput };

export const authRouter = router({
  login: publicProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const user = await signIn({ ctx, input });
    await ctx.session.save({ userId: user.id, role: user.role });
    return { role: user.role };
  }),
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.session.destroy();
    return { ok: true };
  }),
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
