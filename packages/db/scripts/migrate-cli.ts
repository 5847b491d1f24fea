import { assertSchemaMatches, migrate } from "../src/setup";
import { databaseUrl } from "../src/client";

const url = databaseUrl();
const result = await migrate(url);
console.log(`applied: ${result.applied.join(", ") || "none"}; already applied: ${result.alreadyApplied.length}`);
await assertSchemaMatches(url);
console.log("schema matches the datamodel");
