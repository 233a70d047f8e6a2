import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { TestPostgres } from "@weft/testing/postgres"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { inject } from "vitest"

/**
 * Fresh stores for tests: a new SQLite file, or a new Postgres database on
 * the run's test server (dropped when the layer closes).
 */

/** A folder of this test process, removed when it exits. */
export const tempDir = (): string => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "weft-store-sql-"))
  process.once("exit", () => Fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

let dir: string | undefined
let n = 0

/** A path for a new SQLite file. */
export const sqliteFile = (): string => Path.join((dir ??= tempDir()), `store-${++n}.db`)

/** A store on a new SQLite file. */
export const sqliteLayer = (options: Omit<StoreSqlite.Options, "filename"> = {}) =>
  StoreSqlite.layer({ ...options, filename: sqliteFile() })

/** The admin URL of the run's test PostgreSQL. */
export const adminUrl = (): string => inject("weftPostgresAdminUrl")

/** A new database, as a scoped URL. */
export const freshPgUrl = Effect.suspend(() => Effect.map(TestPostgres.freshDatabaseScoped(adminUrl()), (db) => Redacted.value(db.url)))

/** A store on a new Postgres database, dropped when the layer closes. */
export const pgLayer = (options: Omit<StorePostgres.Options, "url"> = {}) =>
  Layer.unwrapScoped(Effect.map(freshPgUrl, (url) => StorePostgres.layer({ ...options, url })))
