export {
  compare,
  fingerprintOf,
  type Comparison,
  type ComparisonInput,
  type Finding,
  type OurOrder,
  type OurReceipt,
} from "./compare";
export { readBothSides } from "./readBothSides";
export { executeRun, startRun, RECON_ACTOR } from "./runReconciliation";
export { reconcileNow, MAX_WINDOW_DAYS } from "./reconcileNow";
export {
  reconcileOnSchedule,
  claimScheduledRun,
  startOfTradingDay,
  SCHEDULE_ACTOR,
  type ReconSchedule,
} from "./schedule";
export { decideReconItem } from "./decide";
export {
  listReconRuns,
  listReconItems,
  getReconRun,
  getReconItem,
  FIX_DESCRIPTIONS,
  type ReconRunView,
  type ReconItemView,
  type ReconItemDetail,
} from "./queries";
export {
  ZReconRunInput,
  ZReconRunsInput,
  ZReconItemsInput,
  ZReconDecideInput,
  type TReconRunInput,
  type TReconRunsInput,
  type TReconItemsInput,
  type TReconDecideInput,
} from "./recon.schema";
