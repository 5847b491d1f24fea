export { createPrismaClient, databaseUrl, getPrisma, Prisma, PrismaClient } from "./client";
export type { Db, DbOrTx, Tx } from "./client";
export * from "./generated/prisma/enums";
export type {
  User,
  Account,
  CashBalance,
  Holding,
  Order,
  OrderEvent,
  ExecutionReceipt,
  LedgerEntry,
  OutboxEvent,
  InboxEvent,
  FxConversion,
  Saga,
  SagaStep,
  TccBranch,
} from "./generated/prisma/client";
