// @meridian/core/config: the settings of every Meridian process, read once in each entry point. Free of Prisma, so
// the broker simulator and the web's start-up check can import it alone.
export { loadConfig, getConfig, ConfigError, type Environment } from "./load";
export { ZSettings, ZMeridianConfig, RETRY_PROFILES, webhookSecretVariable, type MeridianConfig } from "./schema";
export { WORKER_ROLES, readWorkerRoles, type WorkerRole, type WorkerRoles } from "./workerRoles";
export { settingDocs, type SettingDoc } from "./setting";
export { configurationRows, configurationTable, type ConfigurationRow } from "./docs";
