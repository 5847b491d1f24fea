export * from "./definition";
export { sagaStepKey } from "./keys";
export { retryDelayMs } from "./backoff";
export { advanceSaga, type RunnerSettings } from "./runner";
export { SagaRunner } from "./sagaRunner";
export {
  startSaga,
  claimDueSagas,
  LeasedSaga,
  LeaseLostError,
  ACTIVE_STATUSES,
  ENDED_STATUSES,
  type SagaStatus,
} from "./store";
export { retryCompensation, resolveCompensation } from "./compensationRegistry";
export * from "./compensationRegistry.schema";
export { listSagas, findSaga, sagaCounts, sagaView, type SagaView, type SagaStepView } from "./queries";
