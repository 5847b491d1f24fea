export { placeOrder, cashToHoldFor } from "./placeOrder";
export { ZPlaceOrderInput, type TPlaceOrderInput } from "./placeOrder.schema";
export { cancelOrder, requestCancel } from "./cancelOrder";
export { closeOrder } from "./closeOrder";
export {
  changeOrder,
  recordOrderEvent,
  mayTransition,
  assertTransition,
  IllegalTransitionError,
  TRANSITIONS,
} from "./lifecycle";
export { applyBrokerAnswer, type BrokerAnswer } from "./brokerAnswers";
export { fillDisposition, recordFill } from "./fills";
export { readOrderCommand, writeOrderCommand, type OrderCommand } from "./commands";
export { resolveExpiredTcc } from "./expiredReservations";
export { releaseHoldsOfClosedOrders } from "./closedOrderHolds";
export { listAccountOrders, getAccountOrder, listAllOrders, getOrderDetail, orderStats } from "./queries";
export { toOrderView, type OrderView } from "./views";
export { isTerminal, OPEN_STATUSES, TERMINAL_STATUSES } from "./status";
export { OrderFeed, type OrderChangeEvent, type OrderChangeListener, type OrderFeedOptions } from "./feed";
export { openOrderChanges } from "./changeStream";
