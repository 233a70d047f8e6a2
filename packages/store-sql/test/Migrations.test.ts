import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import { SqliteClient } from "@effect/sql-sqlite-node"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { Store } from "@weft/core/store"
import { StoreSuite } from "@weft/testing/conformance"
import { StoreSql } from "@weft/store-sql"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { freshPgUrl, sqliteFile } from "./layers.js"

/** The rows of the store's migrations table. */
const applied = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ migration_id: number }>`SELECT migration_id FROM weft_store_migrations ORDER BY migration_id`).pipe(
  Effect.map((rows) => rows.map((r) => Number(r.migration_id)))
)

interface DialectCase {
  readonly location: Effect.Effect<string, unknown, Scope.Scope>
  readonly store: (at: string, options?: StoreSql.Options) => Layer.Layer<Store.Store | SqlClient.SqlClient, StoreSql.StoreSqlError>
  readonly client: (at: string) => Layer.Layer<SqlClient.SqlClient, unknown>
}

const dialects: Record<"SQLite" | "Postgres", DialectCase> = {
  SQLite: {
    location: Effect.sync(sqliteFile),
    store: (at: string, options: StoreSql.Options = {}) => StoreSqlite.layer({ ...options, filename: at }),
    client: (at: string) => SqliteClient.layer({ filename: at })
  },
  Postgres: {
    location: freshPgUrl,
    store: (at: string, options: StoreSql.Options = {}) => StorePostgres.layer({ ...options, url: at }),
    client: (at: string) => PgClient.layer({ url: Redacted.make(at) })
  }
}

const dialectName = { SQLite: "sqlite", Postgres: "pg" } as const

/** Every migration this version knows, as a fresh database records them. */
const everyMigration = Array.from({ length: StoreSql.schemaVersion }, (_, i) => i + 1)

for (const [name, d] of Object.entries(dialects)) {
  describe(`StoreSql (${name}) migrations`, () => {
    it.scoped("a fresh database is migrated once; starting again changes nothing", () =>
      Effect.gen(function*() {
        const at = yield* d.location
        for (let i = 0; i < 2; i++) {
          const versions = yield* applied.pipe(Effect.provide(d.store(at)))
          expect(versions).toEqual(everyMigration)
        }
        // Data written by one start is there at the next.
        yield* Effect.flatMap(Store.Store, (s) => s.runs.create(StoreSuite.makeRun())).pipe(Effect.provide(d.store(at)))
        const run = yield* Effect.flatMap(Store.Store, (s) => s.runs.get("run_test")).pipe(Effect.provide(d.store(at)))
        expect(run._tag).toBe("Some")
      }))

    it.scoped("several stores starting at once on a fresh database all start, and migrate once", () =>
      Effect.gen(function*() {
        const at = yield* d.location
        const contexts = yield* Effect.all(Array.from({ length: 4 }, () => Layer.build(d.store(at))), { concurrency: "unbounded" })
        expect(contexts.length).toBe(4)
        expect(yield* applied.pipe(Effect.provide(Layer.succeedContext(contexts[0])))).toEqual(everyMigration)
        yield* Context.get(contexts[1], Store.Store).runs.create(StoreSuite.makeRun())
        expect((yield* Context.get(contexts[3], Store.Store).runs.list()).length).toBe(1)
      }), 120_000)

    it.scoped("a database migrated by a newer version is refused, naming both versions", () =>
      Effect.gen(function*() {
        const at = yield* d.location
        yield* Layer.build(d.store(at))
        yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
          sql`INSERT INTO weft_store_migrations (migration_id, name) VALUES (${99}, ${"from_the_future"})`).pipe(Effect.provide(d.client(at)))
        for (const options of [{}, { migrations: false }]) {
          const result = yield* Effect.either(Layer.build(d.store(at, options)))
          const error = Either.getLeft(result).pipe((o) => (o._tag === "Some" ? o.value : expect.fail("the store started")))
          expect(error._tag).toBe("StoreSqlError")
          expect(error.reason).toBe("schema-newer")
          expect(error.message).toContain("migration 99")
          expect(error.message).toContain(`up to ${StoreSql.schemaVersion}`)
        }
      }))

    it.scoped("migrations: false checks the schema; the exported SQL migrates it as the built-in migrator does", () =>
      Effect.gen(function*() {
        const at = yield* d.location
        const missing = yield* Effect.either(Layer.build(d.store(at, { migrations: false })))
        expect(Either.getLeft(missing).pipe((o) => (o._tag === "Some" ? o.value.reason : undefined))).toBe("schema-missing")
        // A host's own pipeline: run the SQL, then start without migrating.
        yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
          sql.withTransaction(Effect.forEach(StoreSql.migrationSql(dialectName[name as keyof typeof dialectName]), (m) =>
            Effect.forEach(m.sql.split(/;\n/).map((s) => s.trim()).filter((s) => s !== ""), (s) => sql.unsafe(s), { discard: true }), { discard: true }))).pipe(
          Effect.provide(d.client(at))
        )
        const store = Context.get(yield* Layer.build(d.store(at, { migrations: false })), Store.Store)
        yield* store.runs.create(StoreSuite.makeRun())
        // The built-in migrator agrees that nothing is left to do.
        expect(yield* applied.pipe(Effect.provide(d.store(at)))).toEqual(everyMigration)
      }))
  })
}
