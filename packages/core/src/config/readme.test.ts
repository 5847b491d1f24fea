// README.md's configuration table is the schema's documentation: every setting has a row with its default and its
// description, and every row is a setting. A setting added, renamed or re-defaulted in one place fails here until the
// other follows (configurationTable() prints the rows to paste).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configurationRows, configurationTable, type ConfigurationRow } from "./docs";

const README = new URL("../../../../README.md", import.meta.url);

interface TableRow extends ConfigurationRow {
  /** The row as written, for messages. */
  line: string;
  /** Every `NAME` in the variable cell: exactly one, so each setting has its own default and description. */
  variables: string[];
}

/** The rows of the table under "## Configuration", cell by cell. */
function readmeRows(markdown: string): TableRow[] {
  const start = markdown.indexOf("\n## Configuration\n");
  if (start < 0) throw new Error('README.md has no "## Configuration" section');
  const next = markdown.indexOf("\n## ", start + 1);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  const lines = section.split("\n").filter((line) => line.startsWith("|"));
  return lines.slice(2).map((line) => {
    const [variableCell = "", defaultCell = "", meaning = ""] = line
      .replace(/^\|/, "")
      .replace(/\|$/, "")
      .split("|")
      .map((cell) => cell.trim());
    const variables = [...variableCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!);
    return { line, variables, variable: variables[0] ?? variableCell, default: defaultCell, meaning };
  });
}

describe("README.md's configuration table", () => {
  const table = readmeRows(readFileSync(README, "utf8"));
  const schema = configurationRows();
  const hint = `\nThe schema's table (packages/core/src/config):\n${configurationTable()}\n`;

  it("has one row per setting", () => {
    expect(
      table.filter((row) => row.variables.length !== 1).map((row) => row.line),
      "rows that name several settings (or none)",
    ).toEqual([]);
  });

  it("lists every setting of the schema, and nothing else", () => {
    const inTable = new Set(table.flatMap((row) => row.variables));
    const inSchema = new Set(schema.map((row) => row.variable));
    expect(
      schema.filter((row) => !inTable.has(row.variable)).map((row) => row.variable),
      `settings missing from README.md${hint}`,
    ).toEqual([]);
    expect(
      [...inTable].filter((variable) => !inSchema.has(variable)),
      `README.md rows that are no setting${hint}`,
    ).toEqual([]);
    expect(table.length, "a setting listed twice").toBe(inTable.size);
  });

  it("gives each setting the schema's default and description", () => {
    const byVariable = (rows: ConfigurationRow[], cell: keyof ConfigurationRow) =>
      Object.fromEntries(rows.map((row) => [row.variable, row[cell]]));
    expect(byVariable(table, "default"), `defaults differ${hint}`).toEqual(byVariable(schema, "default"));
    expect(byVariable(table, "meaning"), `descriptions differ${hint}`).toEqual(byVariable(schema, "meaning"));
  });
});
