export { beginTcc, confirmTcc, releaseTcc } from "./coordinator";
export { barrierTry, barrierConfirm, barrierCancel, type Participant, type BarrierVerdict } from "./barrier";
export {
  cashParticipant,
  sharesParticipant,
  pointsParticipant,
  participantsOf,
  type TccParticipant,
} from "./participants";
export { listPending, tccOfOrder } from "./queries";
