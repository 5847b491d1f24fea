// The invariants of the books, defined once (checks.ts) and run two ways: in full by tests (checkAllInvariants,
// findLedgerViolations) and incrementally in production by the worker's `invariants` role (runInvariantPass).
export {
  INVARIANT_CODES,
  INVARIANT_MEANINGS,
  LEDGER_INVARIANTS,
  violationFingerprint,
  type InvariantCode,
  type Violation,
} from "./codes";
export {
  checkAllInvariants,
  findLedgerViolations,
  describeViolation,
  DEFAULT_GRACE_MS,
  type FullCheckOptions,
} from "./fullCheck";
export { runInvariantPass, type PassOptions, type PassResult } from "./pass";
export { DEFAULT_INVARIANTS_OPTIONS, type InvariantsOptions } from "./options";
export {
  listInvariantViolations,
  countOpenViolations,
  invariantsHealth,
  type InvariantsReport,
  type InvariantsHealth,
  type ViolationView,
  type CheckerView,
} from "./queries";
export { ZInvariantViolationsInput, type TInvariantViolationsInput } from "./invariants.schema";
