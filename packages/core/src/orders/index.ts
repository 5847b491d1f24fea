export { placeOrder } from "./placeOrder";
export { ZPlaceOrderInput, type TPlaceOrderInput } from "./placeOrder.schema";
export { cancelOrder } from "./cancelOrder";
export { closeOrder } from "./closeOrder";
export { changeOrder, recordOrderEvent } from "./transition";
export { listAccountOrders, getAccountOrder, listAllOrders, getOrderDetail, orderStats } from "./queries";
export { toOrderView, type OrderView } from "./views";
export { isTerminal, OPEN_STATUSES, TERMINAL_STATUSES } from "./status";
