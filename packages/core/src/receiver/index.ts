export { storeExecution, ZBrokerExecution, type TBrokerExecution, type StoreResult } from "./storeExecution";
