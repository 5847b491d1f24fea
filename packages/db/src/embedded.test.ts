import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";
import { freePort } from "./testing";

describe("embedded Postgres (PGlite over the wire protocol)", () => {
  let embedded: EmbeddedPostgres;
  let pool: pg.Pool;
  beforeAll(async () => {
    embedded = await startEmbeddedPostgres({ port: await freePort() });
    pool = new pg.Pool({ connectionString: embedded.url, max: 8 });
    await pool.query("CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)");
    await pool.query("INSERT INTO counter VALUES (1, 0)");
  });
  afterAll(async () => {
    await pool?.end();
    await embedded?.stop();
  });

  it("keeps each connection's parameterized queries intact when many run at once", async () => {
    // Different statements on different connections, inside and outside transactions: an interleaved Parse/Bind
    // cycle would answer one connection with another's row, or fail with 'portal "" does not exist'.
    const echoes = await Promise.all(
      Array.from({ length: 48 }, async (_, i) => {
        const client = await pool.connect();
        try {
          if (i % 3 === 0) await client.query("BEGIN");
          const sql = i % 2 === 0 ? "SELECT $1::int AS echo" : "SELECT ($1::int + 0)::int AS echo, $2::text AS tag";
          const { rows } = await client.query<{ echo: number }>(sql, i % 2 === 0 ? [i] : [i, `t${i}`]);
          if (i % 3 === 0) await client.query("COMMIT");
          return rows[0]!.echo;
        } finally {
          client.release();
        }
      }),
    );
    expect(echoes).toEqual(Array.from({ length: 48 }, (_, i) => i));
  });

  it("isolates interactive transactions from concurrent connections", async () => {
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const { rows } = await client.query<{ n: number }>("SELECT n FROM counter WHERE id = $1", [1]);
          await client.query("UPDATE counter SET n = $1 WHERE id = $2", [rows[0]!.n + 1, 1]);
          await client.query("COMMIT");
        } finally {
          client.release();
        }
      }),
    );
    const { rows } = await pool.query<{ n: number }>("SELECT n FROM counter WHERE id = 1");
    expect(rows[0]!.n).toBe(16);
  });
});
