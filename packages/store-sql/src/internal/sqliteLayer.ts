import * as Fs from "node:fs"
import * as Path from "node:path"
import type * as SqlClient from "@effect/sql/SqlClient"
import { SqliteClient } from "@effect/sql-sqlite-node"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Store } from "@weft/core/store"
import * as StoreSql from "../StoreSql.js"
import { describe, StoreSqlError } from "./error.js"

/**
 * The SQLite layer: creates the database's folder, opens the file (WAL),
 * sets the pragmas and builds the store over it.
 *
 * @internal
 */

/** @internal */
export interface SqliteOptions extends StoreSql.Options {
  readonly filename: string
  /** How long a write waits for another process's write lock (default 5 seconds). */
  readonly busyTimeout?: Duration.DurationInput | undefined
}

const unreachable = (filename: string, what: string) =>
  new StoreSqlError({
    reason: "unreachable",
    message: `Could not open the SQLite database "${filename}": ${what}. Check that the path is a file (not a folder) that this process may read and write, in a folder it may create files in.`
  })

/** @internal */
export const layer = (
  options: SqliteOptions
): Layer.Layer<Store.Store | SqliteClient.SqliteClient | SqlClient.SqlClient, StoreSqlError> => {
  const filename = options.filename
  const busyMs = Math.max(0, Math.round(Duration.toMillis(options.busyTimeout ?? Duration.seconds(5))))
  const folder = Layer.effectDiscard(
    Effect.try({
      try: () => {
        if (filename !== ":memory:" && filename !== "") Fs.mkdirSync(Path.dirname(Path.resolve(filename)), { recursive: true })
      },
      catch: (cause) => unreachable(filename, `its folder could not be created (${describe(cause)})`)
    })
  )
  const client = SqliteClient.layer({ filename }).pipe(
    Layer.tap((context) => {
      const sql = Context.get(context, SqliteClient.SqliteClient)
      // Several processes may share the file: writes wait for each other's lock instead of failing at once.
      // NORMAL is durable across process crashes in WAL mode (a power loss may undo the last commits).
      return Effect.asVoid(
        Effect.all([sql.unsafe(`PRAGMA busy_timeout = ${busyMs}`), sql.unsafe("PRAGMA synchronous = NORMAL")])
      )
    }),
    Layer.catchAllCause((cause) =>
      Layer.fail(unreachable(filename, describe(Cause.squash(cause))))
    )
  )
  return StoreSql.layer(options).pipe(Layer.provideMerge(Layer.provideMerge(client, folder)))
}
