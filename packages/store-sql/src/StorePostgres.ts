/**
 * The PostgreSQL store in one layer, and the outbox signal across processes.
 *
 * Several worker processes may share one database: claims lock the rows they
 * take (`FOR UPDATE SKIP LOCKED`) and hand out only the head of each ordering
 * key, settlements are fenced by the claim's lease token, and migrations run
 * under an advisory lock.
 *
 * @since 0.1.0
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { PgClient } from "@effect/sql-pg"
import type * as Layer from "effect/Layer"
import type { OutboxSignal, Store } from "@weft/core/store"
import type { StoreSqlError } from "./internal/error.js"
import * as internal from "./internal/postgresLayer.js"
import * as signal from "./internal/signal.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends internal.PostgresOptions {}

/**
 * The store on the PostgreSQL database at `url`: a `pg` pool, the schema
 * migrated. Provides the store, and the `PgClient` / `SqlClient` (for
 * {@link layerSignal}, or the host's own queries). A database that cannot be
 * reached fails the layer with a `StoreSqlError` naming user, host, port and
 * database, never the password.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { StorePostgres } from "@weft/store-sql/postgres"
 *
 * const StoreLive = StorePostgres.layer({ url: Redacted.make("postgres://weft:secret@127.0.0.1:5432/weft") })
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer: (
  options: Options
) => Layer.Layer<Store.Store | PgClient.PgClient | SqlClient.SqlClient, StoreSqlError> = internal.layer

/**
 * Core's `OutboxSignal` across processes: `notify` is a `pg_notify` on
 * `channel` (default `weft_outbox`), and every process subscribed through
 * this layer hears it over one `LISTEN` connection. Listening starts in the
 * background and is retried after a failure; a notice sent before it is
 * established is missed, which only delays delivery until the workers' next
 * poll.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { StorePostgres } from "@weft/store-sql/postgres"
 *
 * const StoreLive = StorePostgres.layer({ url: "postgres://weft:secret@127.0.0.1:5432/weft" })
 * const Live = StorePostgres.layerSignal().pipe(Layer.provideMerge(StoreLive))
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layerSignal: (options?: signal.SignalOptions) => Layer.Layer<OutboxSignal.OutboxSignal, never, PgClient.PgClient> =
  signal.layerSignal
