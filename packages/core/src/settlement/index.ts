export { applyExecution } from "./applyExecution";
export { listLateFills, LATE_FILL_KIND } from "./lateFills";
