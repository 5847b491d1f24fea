// Start-up DDL validation (Flyway + `ddl-auto: validate`, as in Toss Bank's talk "A completely new loan system"): the
// live database must match the Prisma datamodel the client was generated from, or the process refuses to start and
// names every difference.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const schemaPath = fileURLToPath(new URL("../prisma/schema.prisma", import.meta.url));

interface ExpectedColumn {
  column: string;
  /** Postgres type as information_schema names it, e.g. "numeric(20,4)", "uuid", "USER-DEFINED:OrderStatus". */
  type: string;
  nullable: boolean;
}
interface ExpectedTable {
  model: string;
  table: string;
  columns: ExpectedColumn[];
}
export interface Datamodel {
  tables: ExpectedTable[];
  enums: Map<string, string[]>;
}

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp(3)",
  Json: "jsonb",
  Decimal: "numeric(65,30)",
  Float: "double precision",
};

/** Reads models and enums from schema.prisma: the fields, their column names, native types and optionality. */
export function readDatamodel(source = readFileSync(schemaPath, "utf8")): Datamodel {
  const enums = new Map<string, string[]>();
  for (const [, name, body] of source.matchAll(/^enum\s+(\w+)\s*\{([^}]*)\}/gm)) {
    enums.set(
      name!,
      body!
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => /^\w+$/.test(line)),
    );
  }
  const modelNames = new Set([...source.matchAll(/^model\s+(\w+)/gm)].map((match) => match[1]!));
  const tables: ExpectedTable[] = [];
  for (const [, model, body] of source.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const table = body!.match(/@@map\("([^"]+)"\)/)?.[1] ?? model!;
    const columns: ExpectedColumn[] = [];
    for (const line of body!.split("\n")) {
      const field = line.trim().match(/^(\w+)\s+(\w+)(\?|\[\])?(.*)$/);
      if (!field) continue;
      const [, name, typeName, modifier, attributes] = field as unknown as [
        string,
        string,
        string,
        string | undefined,
        string,
      ];
      if (modifier === "[]" || modelNames.has(typeName)) continue; // relation fields have no column
      const column = attributes.match(/@map\("([^"]+)"\)/)?.[1] ?? name;
      columns.push({ column, type: columnType(typeName, attributes, enums), nullable: modifier === "?" });
    }
    tables.push({ model: model!, table, columns });
  }
  return { tables, enums };
}

function columnType(typeName: string, attributes: string, enums: Map<string, string[]>): string {
  if (enums.has(typeName)) return `USER-DEFINED:${typeName}`;
  const native = attributes.match(/@db\.(\w+)(?:\(([^)]*)\))?/);
  if (!native) return SCALAR_TYPES[typeName] ?? typeName;
  const [, nativeName, args] = native;
  const argList = args?.replace(/\s/g, "");
  switch (nativeName) {
    case "Uuid":
      return "uuid";
    case "Decimal":
      return `numeric(${argList})`;
    case "VarChar":
      return `character varying(${argList})`;
    case "Timestamptz":
      return `timestamptz(${argList ?? 6})`;
    default:
      return nativeName!.toLowerCase();
  }
}

interface LiveColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: "YES" | "NO";
  character_maximum_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  datetime_precision: number | null;
}

function liveType(column: LiveColumn): string {
  switch (column.data_type) {
    case "USER-DEFINED":
      return `USER-DEFINED:${column.udt_name}`;
    case "numeric":
      return `numeric(${column.numeric_precision},${column.numeric_scale})`;
    case "character varying":
      return `character varying(${column.character_maximum_length})`;
    case "timestamp with time zone":
      return `timestamptz(${column.datetime_precision})`;
    case "timestamp without time zone":
      return `timestamp(${column.datetime_precision})`;
    default:
      return column.data_type;
  }
}

/** Every difference between the live schema and the datamodel, as sentences; empty when they agree. */
export async function findSchemaDrift(url: string, datamodel = readDatamodel()): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: columns } = await client.query<LiveColumn>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, character_maximum_length,
              numeric_precision, numeric_scale, datetime_precision
         FROM information_schema.columns WHERE table_schema = current_schema()`,
    );
    const { rows: enumRows } = await client.query<{ name: string; value: string }>(
      `SELECT t.typname AS name, e.enumlabel AS value FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() ORDER BY t.typname, e.enumsortorder`,
    );
    const drift: string[] = [];
    const live = new Map<string, Map<string, LiveColumn>>();
    for (const column of columns) {
      if (!live.has(column.table_name)) live.set(column.table_name, new Map());
      live.get(column.table_name)!.set(column.column_name, column);
    }
    for (const table of datamodel.tables) {
      const liveColumns = live.get(table.table);
      if (!liveColumns) {
        drift.push(`table "${table.table}" (model ${table.model}) is missing`);
        continue;
      }
      for (const expected of table.columns) {
        const actual = liveColumns.get(expected.column);
        if (!actual) {
          drift.push(`column "${table.table}"."${expected.column}" is missing`);
          continue;
        }
        const actualType = liveType(actual);
        if (actualType !== expected.type)
          drift.push(
            `column "${table.table}"."${expected.column}" is ${actualType}, the datamodel says ${expected.type}`,
          );
        if ((actual.is_nullable === "YES") !== expected.nullable) {
          drift.push(
            `column "${table.table}"."${expected.column}" is ${actual.is_nullable === "YES" ? "nullable" : "NOT NULL"}, the datamodel says ${expected.nullable ? "optional" : "required"}`,
          );
        }
      }
    }
    const liveEnums = new Map<string, string[]>();
    for (const row of enumRows) liveEnums.set(row.name, [...(liveEnums.get(row.name) ?? []), row.value]);
    for (const [name, values] of datamodel.enums) {
      const actual = liveEnums.get(name);
      if (!actual) drift.push(`enum "${name}" is missing`);
      else if (actual.join(",") !== values.join(","))
        drift.push(`enum "${name}" has (${actual.join(", ")}), the datamodel says (${values.join(", ")})`);
    }
    return drift;
  } finally {
    await client.end();
  }
}

export class SchemaDriftError extends Error {
  constructor(readonly differences: string[]) {
    super(
      `The database schema does not match the Prisma datamodel; refusing to start:\n  - ${differences.join("\n  - ")}\nRun \`npm run db:migrate\` or add the missing migration.`,
    );
    this.name = "SchemaDriftError";
  }
}

export async function assertSchemaMatches(url: string): Promise<void> {
  const drift = await findSchemaDrift(url);
  if (drift.length > 0) throw new SchemaDriftError(drift);
}
