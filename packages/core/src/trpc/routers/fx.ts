// fx.*: the customer's won — the rate, an exchange, a buy paid in won — and the sagas that carry them out. Starting
// one returns at once; `saga` is the status polling API, and the order's own changes reach the push feed.
import {
  currentRate,
  findCustomerSaga,
  listCustomerSagas,
  previewBuyWithWon,
  previewExchange,
  startBuyWithWon,
  startExchange,
} from "../../fx/handlers";
import { ZBuyWithWonInput, ZBuyWithWonPreviewInput, ZExchangeInput, ZExchangePreviewInput } from "../../fx/fx.schema";
import { ZSagaIdInput } from "../../saga/compensationRegistry.schema";
import { router } from "../init";
import { customerProcedure } from "../procedures";

export const fxRouter = router({
  rate: customerProcedure.query(({ ctx }) => currentRate({ ctx })),
  previewExchange: customerProcedure
    .input(ZExchangePreviewInput)
    .mutation(({ ctx, input }) => previewExchange({ ctx, input })),
  exchange: customerProcedure.input(ZExchangeInput).mutation(({ ctx, input }) => startExchange({ ctx, input })),
  previewBuyWithWon: customerProcedure
    .input(ZBuyWithWonPreviewInput)
    .mutation(({ ctx, input }) => previewBuyWithWon({ ctx, input })),
  buyWithWon: customerProcedure.input(ZBuyWithWonInput).mutation(({ ctx, input }) => startBuyWithWon({ ctx, input })),
  sagas: customerProcedure.query(({ ctx }) => listCustomerSagas({ ctx })),
  saga: customerProcedure.input(ZSagaIdInput).query(({ ctx, input }) => findCustomerSaga({ ctx, input })),
});
