export { appRouter, type AppRouter } from "./root";
export { createCallerFactory } from "./init";
export {
  createRequestContext,
  createTrpcContext,
  resolveCallerSession,
  type CallerSession,
  type SessionCookie,
  type SessionEnd,
  type SessionUser,
  type TrpcContext,
  type Role,
} from "./context";
export { crossSiteRefusal } from "./sameOrigin";
export { showsActivity } from "./activity";
export { getCoreServices, createCoreServices } from "../composition";
