/**
 * A durable {@link Store.Store} over `@effect/sql`'s `SqlClient`, for SQLite
 * and Postgres. This module works with any client the host provides; the
 * `@weft/store-sql/sqlite` and `@weft/store-sql/postgres` entries bring the
 * driver too.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Store } from "@weft/core/store"
import type { Dialect } from "./internal/dialect.js"
import { scrub, secretsOfUrl, StoreSqlError } from "./internal/error.js"
import { check, migrate } from "./internal/migrate.js"
import { LATEST, MIGRATIONS_TABLE, migrationsOf, migrationsTableSql } from "./internal/schema.js"
import { make as makeStore } from "./internal/store.js"

export {
  /**
   * The SQL store could not start: the database is unreachable, its schema
   * is newer than this version knows (or missing while migrations are off),
   * a migration failed, or the configuration names no store this package
   * provides.
   *
   * @since 0.1.0
   * @category errors
   */
  StoreSqlError
} from "./internal/error.js"

/**
 * The SQL dialects the store speaks.
 *
 * @since 0.1.0
 * @category models
 */
export type SqlDialect = Dialect

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Apply the store's migrations when the layer starts (default `true`).
   * With `false` the layer only checks that the schema is the one this
   * version needs; run {@link migrationSql} in your own pipeline.
   */
  readonly migrations?: boolean | undefined
  /** Texts that must never appear in an error (e.g. a password the client was given separately). */
  readonly secrets?: ReadonlyArray<string> | undefined
}

const dialectOf = (sql: SqlClient.SqlClient): Effect.Effect<Dialect, StoreSqlError> =>
  sql.onDialectOrElse({
    pg: () => Effect.succeed<Dialect>("pg"),
    sqlite: () => Effect.succeed<Dialect>("sqlite"),
    orElse: () =>
      Effect.fail(
        new StoreSqlError({
          reason: "unsupported",
          message: "@weft/store-sql supports SQLite (@effect/sql-sqlite-node) and PostgreSQL (@effect/sql-pg); the SqlClient provided is neither."
        })
      )
  })

/**
 * Builds the store over the `SqlClient` in context: detects the dialect,
 * migrates the schema (or checks it, with `migrations: false`) and returns
 * the service.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { StoreSql } from "@weft/store-sql"
 *
 * const program = Effect.gen(function*() {
 *   const store = yield* StoreSql.make()
 *   return yield* store.runs.list()
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Store.StoreService, StoreSqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const dialect = yield* dialectOf(sql)
    const secrets = options.secrets ?? []
    if (options.migrations === false) yield* check(sql, secrets)
    else yield* migrate(sql, dialect, secrets)
    return makeStore({ sql, dialect, secrets })
  })

/**
 * The store as a layer over a `SqlClient` the host provides (its own
 * database and pool). Migrations run when the layer starts, safely when
 * several processes start at once.
 *
 * @example
 * ```ts
 * import { SqliteClient } from "@effect/sql-sqlite-node"
 * import { Layer } from "effect"
 * import { StoreSql } from "@weft/store-sql"
 *
 * const StoreLive = StoreSql.layer().pipe(Layer.provide(SqliteClient.layer({ filename: "weft.db" })))
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Store.Store, StoreSqlError, SqlClient.SqlClient> =>
  Layer.effect(Store.Store, make(options))

/**
 * One migration of the store's schema, as SQL a host can run itself.
 *
 * @since 0.1.0
 * @category models
 */
export interface MigrationSql {
  readonly id: number
  readonly name: string
  /**
   * The migration's statements, `;`-separated, ending with the insert into
   * `weft_store_migrations` that records it (as the built-in migrator does),
   * so the two ways of migrating agree. Run it in one transaction.
   */
  readonly sql: string
}

/**
 * The SQL of every migration of the store's schema for `dialect`, oldest
 * first, for hosts that run migrations in their own pipeline (then start the
 * layer with `migrations: false`). The first one also creates the
 * `weft_store_migrations` table.
 *
 * @example
 * ```ts
 * import { StoreSql } from "@weft/store-sql"
 *
 * for (const migration of StoreSql.migrationSql("pg")) {
 *   console.log(`-- ${migration.id} ${migration.name}\n${migration.sql}`)
 * }
 * ```
 * @since 0.1.0
 * @category migrations
 */
export const migrationSql = (dialect: SqlDialect): ReadonlyArray<MigrationSql> =>
  migrationsOf(dialect).map((m, i) => ({
    id: m.id,
    name: m.name,
    sql: [
      ...(i === 0 ? [migrationsTableSql(dialect)] : []),
      ...m.statements,
      `INSERT INTO ${MIGRATIONS_TABLE} (migration_id, name) VALUES (${m.id}, '${m.name}')`
    ].join(";\n\n") + ";\n"
  }))

/**
 * The newest schema migration this version of the package knows.
 *
 * @since 0.1.0
 * @category migrations
 */
export const schemaVersion: number = LATEST

/**
 * Which store a configuration string names: `sqlite:<file>` or a
 * `postgres://` / `postgresql://` URL.
 *
 * @since 0.1.0
 * @category models
 */
export type StoreUrl =
  | { readonly _tag: "sqlite"; readonly filename: string }
  | { readonly _tag: "postgres"; readonly url: Redacted.Redacted<string> }

/**
 * Reads a store configuration string. Fails with `StoreSqlError` (reason
 * `config`, never showing a password) for anything else.
 *
 * @example
 * ```ts
 * import { StoreSql } from "@weft/store-sql"
 *
 * const parsed = StoreSql.parseStoreUrl("sqlite:./data/weft.db")
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const parseStoreUrl = (value: string): Effect.Effect<StoreUrl, StoreSqlError> => {
  const text = value.trim()
  if (text.startsWith("sqlite:")) {
    const filename = text.replace(/^sqlite:(\/\/)?/, "")
    return filename === ""
      ? Effect.fail(new StoreSqlError({ reason: "config", message: "The store URL \"sqlite:\" names no file; write sqlite:<path to the database file>." }))
      : Effect.succeed({ _tag: "sqlite", filename })
  }
  if (/^postgres(ql)?:\/\//.test(text)) return Effect.succeed({ _tag: "postgres", url: Redacted.make(text) })
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]
  return Effect.fail(
    new StoreSqlError({
      reason: "config",
      message: scrub(
        `The store URL must be sqlite:<file> or postgres://user:password@host:port/database; got ${
          scheme === undefined ? "a value without a scheme" : `scheme "${scheme}:"`
        }. (An in-memory store comes from @weft/store-memory, not from this package.)`,
        secretsOfUrl(text)
      )
    })
  )
}

/**
 * The store from configuration: `WEFT_STORE` (or the `Config` given) names
 * `sqlite:<file>` or a `postgres://…` URL. Only the driver it names is
 * loaded, so a SQLite host never loads `pg`. Provides the store and the
 * `SqlClient` it runs on.
 *
 * @example
 * ```ts
 * import { StoreSql } from "@weft/store-sql"
 *
 * // WEFT_STORE=sqlite:./data/weft.db  or  WEFT_STORE=postgres://weft:…@db:5432/weft
 * const StoreLive = StoreSql.layerConfig()
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<string> = Config.string("WEFT_STORE"),
  options: Options = {}
): Layer.Layer<Store.Store | SqlClient.SqlClient, StoreSqlError> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const value = yield* Effect.mapError(
        config,
        (error) =>
          new StoreSqlError({
            reason: "config",
            message: `No store configured: ${String(error)}. Set WEFT_STORE to sqlite:<file> or a postgres:// URL.`
          })
      )
      const parsed = yield* parseStoreUrl(value)
      if (parsed._tag === "sqlite") {
        const sqlite = yield* Effect.promise(() => import("./internal/sqliteLayer.js"))
        return sqlite.layer({ ...options, filename: parsed.filename })
      }
      const postgres = yield* Effect.promise(() => import("./internal/postgresLayer.js"))
      return postgres.layer({ ...options, url: parsed.url })
    })
  )
