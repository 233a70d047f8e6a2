import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type { Dialect } from "./dialect.js"
import { describe, scrub, StoreSqlError } from "./error.js"
import { LATEST, MIGRATIONS_TABLE, migrationsOf, migrationsTableSql } from "./schema.js"
import { fileLock, makeTransact } from "./transaction.js"

/**
 * Running and checking the schema.
 *
 * `@effect/sql`'s Migrator creates its table outside its transaction (on
 * Postgres: a failed `::regclass` probe, then `CREATE TABLE`), so two
 * processes starting on a fresh database at once can both try to create it
 * and one fails. The store therefore runs the Migrator inside a transaction
 * of its own that first takes a database-wide lock — a transaction-scoped
 * advisory lock on Postgres, the write lock (`BEGIN IMMEDIATE`) on SQLite —
 * and creates the migrations table itself. A second process waits for the
 * first, then finds every migration applied.
 *
 * @internal
 */

/** Advisory lock key of the store's migrations (any constant shared by every process). */
const PG_LOCK_KEY = 5_717_262_011

const versionOf = (sql: SqlClient.SqlClient) =>
  Effect.map(
    sql.unsafe<{ v: unknown }>(`SELECT MAX(migration_id) AS v FROM ${MIGRATIONS_TABLE}`),
    (rows) => (rows[0]?.v === null || rows[0]?.v === undefined ? 0 : Number(rows[0].v))
  )

const newer = (found: number) =>
  new StoreSqlError({
    reason: "schema-newer",
    message: `The database's Weft store schema is at migration ${found}, but this version of @weft/store-sql knows migrations up to ${LATEST}. ` +
      "A newer version of Weft migrated this database: run that version (or newer) against it, or point this one at another database."
  })

/** Applies every migration this version knows, once, safely with other processes starting at the same time. @internal */
export const migrate = (
  sql: SqlClient.SqlClient,
  dialect: Dialect,
  secrets: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<readonly [number, string]>, StoreSqlError> => {
  const db = sql.withoutTransforms()
  const transact = makeTransact(db, dialect)
  const records: Record<string, Effect.Effect<void, unknown, SqlClient.SqlClient>> = {}
  for (const m of migrationsOf(dialect)) {
    records[`${String(m.id).padStart(4, "0")}_${m.name}`] = Effect.forEach(m.statements, (s) => db.unsafe(s), { discard: true })
  }
  const run = Effect.gen(function*() {
    if (dialect === "pg") yield* db.unsafe(`SELECT pg_advisory_xact_lock(${PG_LOCK_KEY})`)
    yield* db.unsafe(migrationsTableSql(dialect))
    const found = yield* versionOf(db)
    if (found > LATEST) return yield* Effect.fail(newer(found))
    return yield* Migrator.make({})({ loader: Migrator.fromRecord(records), table: MIGRATIONS_TABLE })
  })
  return transact(run).pipe(
    Effect.provideService(SqlClient.SqlClient, db),
    fileLock(sql, dialect),
    Effect.catchAllCause((cause) => {
      const failure = Cause.failureOption(cause)
      if (failure._tag === "Some" && failure.value instanceof StoreSqlError) return Effect.fail(failure.value)
      const error = failure._tag === "Some" ? failure.value : Cause.squash(cause)
      return Effect.fail(
        new StoreSqlError({
          reason: "migration-failed",
          message: scrub(`Migrating the Weft store schema failed: ${describe(error)}. Nothing of the failed migration was applied; fix the cause and start again.`, secrets)
        })
      )
    })
  )
}

/**
 * Checks, without changing anything, that the schema is the one this
 * version needs: for hosts that run the migrations themselves.
 *
 * @internal
 */
export const check = (
  sql: SqlClient.SqlClient,
  secrets: ReadonlyArray<string>
): Effect.Effect<void, StoreSqlError> =>
  versionOf(sql.withoutTransforms()).pipe(
    Effect.catchAllCause((cause) =>
      Effect.fail(
        new StoreSqlError({
          reason: "schema-missing",
          message: scrub(
            `The Weft store schema is missing (${describe(Cause.squash(cause))}). Migrations are off (migrations: false): ` +
              "apply StoreSql.migrationSql(dialect) in your own pipeline first, or start with migrations on.",
            secrets
          )
        })
      )
    ),
    Effect.flatMap((found) =>
      found > LATEST
        ? Effect.fail(newer(found))
        : found < LATEST
        ? Effect.fail(
          new StoreSqlError({
            reason: "schema-missing",
            message: `The Weft store schema is at migration ${found}; this version needs ${LATEST}. Migrations are off (migrations: false): ` +
              "apply the missing ones from StoreSql.migrationSql(dialect), or start with migrations on."
          })
        )
        : Effect.void
    )
  )
