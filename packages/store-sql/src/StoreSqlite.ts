/**
 * The SQLite store in one layer: the database file (created with its folder
 * if missing, WAL journal) and the store over it.
 *
 * Several processes may open one file: every write transaction begins with
 * `BEGIN IMMEDIATE` and waits up to `busyTimeout` for another process's
 * write lock, and reads never wait (WAL). While it waits, a process's event
 * loop is blocked (better-sqlite3 is synchronous), so SQLite suits one
 * process, or a few that write little; use Postgres for several workers.
 *
 * @since 0.1.0
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqliteClient } from "@effect/sql-sqlite-node"
import type * as Layer from "effect/Layer"
import type { Store } from "@weft/core/store"
import type { StoreSqlError } from "./internal/error.js"
import * as internal from "./internal/sqliteLayer.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends internal.SqliteOptions {}

/**
 * The store on the SQLite file `filename`: creates the folder, opens the
 * file, migrates the schema. Provides the store and the `SqlClient` (so the
 * host may keep its own tables in the same file).
 *
 * @example
 * ```ts
 * import { StoreSqlite } from "@weft/store-sql/sqlite"
 *
 * const StoreLive = StoreSqlite.layer({ filename: "./data/weft.db" })
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer: (
  options: Options
) => Layer.Layer<Store.Store | SqliteClient.SqliteClient | SqlClient.SqlClient, StoreSqlError> = internal.layer
