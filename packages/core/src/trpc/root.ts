import { router } from "./init";
import { adminRouter } from "./routers/admin";
import { authRouter } from "./routers/auth";
import { accountRouter, marketRouter, ordersRouter } from "./routers/customer";
import { fxRouter } from "./routers/fx";

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  market: marketRouter,
  orders: ordersRouter,
  fx: fxRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
