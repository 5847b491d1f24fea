// Reads the environment once per process, in its entry point, and refuses to start on a wrong value: every problem
// at once, each naming its setting, what is allowed and what was given.
import type { z } from "zod";
import { settingDocs } from "./setting";
import { ZMeridianConfig, ZSettings, type MeridianConfig } from "./schema";

export type Environment = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Meridian's configuration is wrong; nothing was started:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Environment = process.env): MeridianConfig {
  const parsed = ZMeridianConfig.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => describe(issue, env)));
  return parsed.data;
}

function describe(issue: z.core.$ZodIssue, env: Environment): string {
  const name = String(issue.path[0] ?? "configuration");
  const given = env[name];
  const schema = ZSettings.shape[name as keyof typeof ZSettings.shape];
  const secret = schema ? settingDocs.get(schema)?.secret : false;
  const got = given === undefined ? "unset" : secret ? `${given.length} characters` : `"${given}"`;
  // A message from a shared check may name the setting itself (the retention rule names both of its settings).
  const message = issue.message.startsWith(name) ? issue.message : `${name} ${issue.message}`;
  return `${message}, got ${got}`;
}

const globalForConfig = globalThis as unknown as { meridianConfig?: MeridianConfig };

/** This process's configuration, read from its environment the first time it is asked for (the web's context). */
export function getConfig(): MeridianConfig {
  globalForConfig.meridianConfig ??= loadConfig(process.env);
  return globalForConfig.meridianConfig;
}
