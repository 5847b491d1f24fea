// The README's configuration table, as the schema documents it: one row per environment variable, its default (or
// what leaving it unset means) and its description. config/readme.test.ts holds README.md to it.
import { settingDocs } from "./setting";
import { ZSettings } from "./schema";

export interface ConfigurationRow {
  variable: string;
  /** `30000` for a default; the `unset` text for a setting without one. */
  default: string;
  meaning: string;
}

export function configurationRows(): ConfigurationRow[] {
  return Object.entries(ZSettings.shape).map(([variable, schema]) => {
    const doc = settingDocs.get(schema);
    if (!doc) throw new Error(`${variable} has no description`);
    return {
      variable,
      default: doc.default !== undefined ? `\`${doc.default}\`` : (doc.unset ?? "unset"),
      meaning: doc.description,
    };
  });
}

/** The table in Markdown, ready to paste under README.md's "## Configuration". */
export function configurationTable(): string {
  const lines = ["| variable | default | meaning |", "|---|---|---|"];
  for (const row of configurationRows()) lines.push(`| \`${row.variable}\` | ${row.default} | ${row.meaning} |`);
  return lines.join("\n");
}
