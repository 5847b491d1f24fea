import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { findSchemaDrift, migrate, readMigrations } from "./setup";
import { createTestDatabase, type TestDatabase } from "./testing";

describe("migrate + schema validation", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ seed: true });
  });
  afterAll(async () => db?.drop());

  it("records every migration in _prisma_migrations with Prisma's sha256 checksum", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    await client.end();
    const files = readMigrations();
    expect(rows.map((row) => row.migration_name)).toEqual(files.map((file) => file.name));
    expect(rows.map((row) => row.checksum)).toEqual(files.map((file) => file.checksum));
    expect(rows.every((row) => row.finished_at && row.applied_steps_count === 1)).toBe(true);
  });

  it("is idempotent: a second run applies nothing", async () => {
    const second = await migrate(db.url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied.length).toBe(readMigrations().length);
  });

  it("finds no drift on a migrated database, and names a dropped column and a changed type", async () => {
    expect(await findSchemaDrift(db.url)).toEqual([]);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`ALTER TABLE "orders" DROP COLUMN "status_reason"`);
    await client.query(`ALTER TABLE "cash_balances" ALTER COLUMN "held" TYPE numeric(20,2)`);
    await client.end();
    const drift = await findSchemaDrift(db.url);
    expect(drift).toContain(`column "orders"."status_reason" is missing`);
    expect(drift).toContain(`column "cash_balances"."held" is numeric(20,2), the datamodel says numeric(20,4)`);
  });
});
