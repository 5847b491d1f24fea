export { buyWithWonSaga, BUY_WITH_WON_SAGA, type BuyWithWonInput, type BuyWithWonState } from "./buyWithWon";
export { exchangeSaga, EXCHANGE_SAGA, type ExchangeInput, type ExchangeState } from "./exchange";
export { convertOnce, settleAbandonedConversions, type ConversionPlan, type ConversionDone } from "./conversions";
export { compareConversions, reconcileFxDesk, type FxReconFinding } from "./reconcileDesk";
export { FX_SAGA_DEFINITIONS, phaseOf, withPhase } from "./phases";
export { WON_PAYMENT_POLICY } from "./policy";
export * from "./handlers";
export * from "./fx.schema";
