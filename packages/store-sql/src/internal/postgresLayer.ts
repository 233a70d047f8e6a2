import type * as SqlClient from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type { Store } from "@weft/core/store"
import * as StoreSql from "../StoreSql.js"
import { describe, scrub, secretsOfUrl, StoreSqlError } from "./error.js"

/**
 * The Postgres layer: a `pg` pool from a URL, and the store over it.
 *
 * @internal
 */

/** @internal */
export interface PostgresOptions extends StoreSql.Options {
  /** `postgres://user:password@host:port/database`; pass a `Redacted` to keep it out of logs. */
  readonly url: string | Redacted.Redacted<string>
  /** Connections in the pool (default 10). */
  readonly maxConnections?: number | undefined
  /** How long connecting may take before the layer fails (default 10 seconds). */
  readonly connectTimeout?: Duration.DurationInput | undefined
  /** Shown in `pg_stat_activity` (default `weft`). */
  readonly applicationName?: string | undefined
}

/** Where a URL points, without its password: `user@host:port/database`. @internal */
export const describeUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    const user = parsed.username === "" ? "" : `${decodeURIComponent(parsed.username)}@`
    const db = parsed.pathname.replace(/^\//, "") || "(default database)"
    return `${user}${parsed.hostname || "localhost"}:${parsed.port || "5432"}/${decodeURIComponent(db)}`
  } catch {
    return "(a URL that could not be parsed)"
  }
}

/** @internal */
export const layer = (
  options: PostgresOptions
): Layer.Layer<Store.Store | PgClient.PgClient | SqlClient.SqlClient, StoreSqlError> => {
  const url = Redacted.isRedacted(options.url) ? Redacted.value(options.url) : options.url
  const secrets = [...secretsOfUrl(url), ...(options.secrets ?? [])]
  const where = describeUrl(url)
  const client = PgClient.layer({
    url: Redacted.make(url),
    maxConnections: options.maxConnections ?? 10,
    connectTimeout: options.connectTimeout ?? Duration.seconds(10),
    applicationName: options.applicationName ?? "weft"
  }).pipe(
    Layer.catchAllCause((cause) =>
      Layer.fail(
        new StoreSqlError({
          reason: "unreachable",
          message: scrub(
            `Could not connect to PostgreSQL at ${where}: ${describe(Cause.squash(cause))}. ` +
              "Check that the server is running and reachable from this host, and that the URL's user, password and database are right.",
            secrets
          )
        })
      )
    )
  )
  return StoreSql.layer({ ...options, secrets }).pipe(Layer.provideMerge(client))
}
