// What crosses the wire between a partner broker and us, defined once: the simulator (apps/broker) and core's HTTP
// adapter, receiver and simulator control all import these schemas and types. Only zod and decimal.js: no node
// built-ins, no Prisma.
export * from "./execution";
export * from "./orders";
export * from "./faultSwitches";
