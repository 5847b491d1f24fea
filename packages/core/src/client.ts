// @meridian/core/client: what a browser bundle may import from core as values. Plain constants only: no zod, no node
// built-ins, no Prisma. Everything else reaches the browser as types (AppRouter) and over tRPC.
export { FAULT_DELAY_MAX_MS, NO_FAULTS } from "./broker/wire/faultDefaults";
export type { BrokerFaults, BrokerFaultsPatch } from "./broker/wire/faultSwitches";
export { ACTIVITY_HEADER } from "./trpc/activity";
