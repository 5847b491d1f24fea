import { ConfigError, getConfig } from "@meridian/core/config";

/** Reads the process's configuration once (getConfig keeps it); a wrong value ends the process, naming the setting. */
export function checkConfiguration(): void {
  try {
    getConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`[meridian/web] ${error.message}`);
    process.exit(1);
  }
}
