import * as SqlClient from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { Store } from "@weft/core/store"
import { StoreSuite } from "@weft/testing/conformance"
import type { StoreSql } from "@weft/store-sql"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { MIGRATIONS_TABLE, migrationsOf, migrationsTableSql } from "../src/internal/schema.js"
import { freshPgUrl, sqliteFile } from "./layers.js"

/**
 * Migration 3 (delivery attempts) on a database written by the code before
 * it: run problems and model errors stored as strings read back as
 * `{ message }`, invalid records without a path read as they were, entries
 * settled before have no attempts, and settles from now on record theirs.
 */

interface DialectCase {
  readonly name: "sqlite" | "pg"
  readonly location: Effect.Effect<string, unknown, Scope.Scope>
  readonly store: (at: string) => Layer.Layer<Store.Store | SqlClient.SqlClient, StoreSql.StoreSqlError>
  readonly client: (at: string) => Layer.Layer<SqlClient.SqlClient, unknown>
}

const dialects: ReadonlyArray<DialectCase> = [
  {
    name: "sqlite",
    location: Effect.sync(sqliteFile),
    store: (at) => StoreSqlite.layer({ filename: at }),
    client: (at) => SqliteClient.layer({ filename: at })
  },
  {
    name: "pg",
    location: freshPgUrl,
    store: (at) => StorePostgres.layer({ url: at }),
    client: (at) => PgClient.layer({ url: Redacted.make(at) })
  }
]

const eventId = (n: number) => StoreSuite.eventId(0x3000 + n)

/** `?` placeholders as the dialect numbers them. */
const placeholders = (dialect: "sqlite" | "pg", text: string): string => {
  let n = 0
  return dialect === "pg" ? text.replace(/\?/g, () => `$${++n}`) : text
}

/** A model audit as the code before migration 3 wrote it: its error a string, invalid records without a path. */
const oldAudit = {
  model: "hris.employee",
  status: "failed",
  counters: { processed: 3, new: 1, changed: 0, deleted: 0, invalid: 1 },
  startedAt: 1_000,
  finishedAt: 1_400,
  fullRead: true,
  invalidRecords: [{ recordId: "r9", error: "profile.workEmail: Expected an e-mail address" }],
  warnings: [],
  error: "GET /employees failed (HTTP 500): internal error"
}

for (const d of dialects) {
  describe(`StoreSql (${d.name}) migration to delivery attempts`, () => {
    it.scoped("a database of the previous schema: old run problems read as { message }; attempts are recorded from now on", () =>
      Effect.gen(function*() {
        const at = yield* d.location
        const T = d.name === "pg" ? "TRUE" : "1"
        const pending = eventId(1)
        const acked = eventId(2)

        // The schema at migration 2, with rows written by the code of the time.
        yield* Effect.gen(function*() {
          const client = yield* SqlClient.SqlClient
          const sql = { unsafe: (text: string, params?: ReadonlyArray<unknown>) => client.unsafe(placeholders(d.name, text), params) }
          yield* sql.unsafe(migrationsTableSql(d.name))
          for (const m of migrationsOf(d.name).slice(0, 2)) {
            for (const statement of m.statements) yield* sql.unsafe(statement)
            yield* sql.unsafe(`INSERT INTO ${MIGRATIONS_TABLE} (migration_id, name) VALUES (${m.id}, '${m.name}')`)
          }
          yield* sql.unsafe(
            `INSERT INTO weft_runs (id, sync_id, destination_id, integration_id, connector, tenant, type, status, started_at, finished_at, warnings, errors,
  record_events, acked, dead_lettered, emission_closed)
VALUES ('run_old', 'syn_test', 'dst_test', 'int_test', 'fake', 'acme', 'initial', 'failed', 1000, 1500, '[]', ?, 2, 1, 0, ${T})`,
            [JSON.stringify(["The run was interrupted.", "hris.employee: GET /employees failed (HTTP 500): internal error"])]
          )
          yield* sql.unsafe("INSERT INTO weft_run_models (run_id, model, audit) VALUES ('run_old', 'hris.employee', ?)", [JSON.stringify(oldAudit)])
          yield* sql.unsafe("INSERT INTO weft_payloads (id, sealed, holders) VALUES (?, ?, 1)", ["pay_old", new Uint8Array([1, 2, 3])])
          let seq = 0
          for (const [id, status] of [[pending, "pending"], [acked, "acked"]] as const) {
            yield* sql.unsafe(
              `INSERT INTO weft_outbox (seq, id, type, kind, run_id, sync_id, destination_id, ordering_key, model, record_id, created_at, status, attempts,
  next_attempt_at, first_attempt_at, last_error, settled_at, payload_id, payload_offset, payload_length)
VALUES (?, ?, 'record.changed', 'record', 'run_old', 'syn_test', 'dst_test', ?, 'hris.employee', ?, 1000, ?, 2, 1000, 1000, 'HTTP 503', ?, ?, ?, ?)`,
              [
                ++seq,
                id,
                `syn_test/hris.employee/${id}`,
                id,
                status,
                status === "pending" ? null : 1_300,
                status === "pending" ? "pay_old" : null,
                status === "pending" ? 0 : null,
                status === "pending" ? 3 : null
              ]
            )
          }
        }).pipe(Effect.provide(d.client(at)))

        const context = yield* Layer.build(d.store(at))
        const store = Context.get(context, Store.Store)
        const versions = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
          sql<{ migration_id: number }>`SELECT migration_id FROM weft_store_migrations ORDER BY migration_id`).pipe(
          Effect.provide(Layer.succeedContext(context))
        )
        expect(versions.map((r) => Number(r.migration_id))).toEqual([1, 2, 3])

        // Run problems written as strings read back as { message }, in the runs' list as in get.
        const run = Option.getOrThrow(yield* store.runs.get("run_old"))
        expect(run.errors).toEqual([
          { message: "The run was interrupted." },
          { message: "hris.employee: GET /employees failed (HTTP 500): internal error" }
        ])
        expect(run.models["hris.employee"]).toEqual({ ...oldAudit, error: { message: oldAudit.error } })
        expect((yield* store.runs.list({ syncId: "syn_test" }))[0]!.errors).toEqual(run.errors)

        // Entries settled before have no attempts; settles from now on record theirs, numbered from the first.
        expect(yield* store.outbox.attempts(acked)).toEqual([])
        expect(yield* store.outbox.attempts(pending)).toEqual([])
        const [claimed] = yield* store.outbox.claimDue({ now: 2_000, limit: 10, leaseMs: 30_000 })
        expect(claimed!.id).toBe(pending)
        const report = { at: 2_000, durationMs: 8, statusCode: 200 }
        yield* StoreSuite.settleClaimed(store, claimed!, StoreSuite.withAttempt(StoreSuite.settlement.acked(2_008, 3, 1_000), report))
        expect(yield* store.outbox.attempts(pending)).toEqual([{ ...report, outcome: "acked" }])
        expect(Option.getOrThrow(yield* store.outbox.get(pending))).toMatchObject({ status: "acked", attempts: 3 })

        // Purging takes old and new entries, with their attempts.
        expect(yield* store.outbox.purge(10_000)).toBe(2)
        expect(yield* store.outbox.attempts(pending)).toEqual([])
      }), 120_000)
  })
}
