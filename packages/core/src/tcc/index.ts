export { beginTcc, confirmTcc, releaseTcc } from "./coordinator";
export { barrierTry, barrierConfirm, barrierCancel, type Participant, type BarrierVerdict } from "./barrier";
export { cashParticipant, sharesParticipant, participantsOf, type TccParticipant } from "./participants";
export {
  abandonFeePoints,
  answerOutcome,
  deliverFeePointsBranches,
  recordFeePointsTried,
  settleFeePoints,
  tryFeePoints,
  type BranchState,
} from "./feePoints";
export { handleOutcomeRequest } from "./outcomeEndpoint";
export { reconcileFeePoints, type FeePointsMismatch, type FeePointsReconciliation } from "./reconcileFeePoints";
export { listPending, tccOfOrder, listFeePointsBranches } from "./queries";
