// Start-up and maintenance: migrations, schema validation, seed, embedded Postgres. Kept apart from the client entry
// so that the web bundle never pulls in filesystem code.
export { migrate, readMigrations, migrationsDir } from "./migrate";
export { assertSchemaMatches, findSchemaDrift, readDatamodel, SchemaDriftError } from "./schema-check";
export { seed, DEMO_PASSWORD, DEMO_USERS } from "./seed";
export { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";
export { freePort } from "./freePort";
