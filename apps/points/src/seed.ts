// The demo customers' points, credited at start when POINTS_DEMO_SEED is true. Each credit's key names its account,
// so a restart finds the credit already made and changes nothing.
import { DEMO_USERS } from "@meridian/db/setup";
import type pg from "pg";
import type { Logger } from "pino";
import { credit } from "./credits";
import { PointsRefusal } from "./refusal";

export const demoSeedKey = (accountNo: string) => `demo-seed:${accountNo}`;

export async function seedDemoPoints(pool: pg.Pool, logger: Logger): Promise<void> {
  for (const { accountNo, points } of DEMO_USERS) {
    if (!accountNo || !points || points === "0") continue;
    try {
      await credit(pool, accountNo, { key: demoSeedKey(accountNo), points, reason: "demo seed" });
    } catch (error) {
      // The demo amounts changed since this database was seeded: keep what it has rather than refuse to start.
      if (!(error instanceof PointsRefusal)) throw error;
      logger.warn({ accountNo, message: error.message }, "demo points left as they were");
    }
  }
}
