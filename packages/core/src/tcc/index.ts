export { beginTcc, confirmTcc, releaseTcc, TCC_DEADLINE_MS } from "./coordinator";
export { fenceTry, fenceConfirm, fenceCancel, type Participant, type FenceVerdict } from "./fence";
export { cashParticipant, sharesParticipant, pointsParticipant, participantsOf, type TccParticipant } from "./participants";
export { listPending, tccOfOrder } from "./queries";
