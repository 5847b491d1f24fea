export { appRouter, type AppRouter } from "./root";
export { createCallerFactory } from "./init";
export { createTrpcContext, type SessionStore, type SessionUser, type TrpcContext, type Role } from "./context";
export { getCoreServices, createCoreServices } from "../composition";
