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
import { Payloads } from "@weft/core/outbox"
import { Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { StoreSuite } from "@weft/testing/conformance"
import { StoreSql } from "@weft/store-sql"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { MIGRATIONS_TABLE, migrationsOf, migrationsTableSql } from "../src/internal/schema.js"
import { freshPgUrl, sqliteFile } from "./layers.js"

/**
 * Migration 2 (payloads kept once per page) on a database written by the
 * schema before it, where every entry had its own payload column sealed
 * under its event id: nothing pending loses its payload, the payloads open
 * with the keys and ids they were sealed with, and their holds work as for
 * new pages.
 */

const keys: Vault.VaultKeys = { current: { id: "k1", key: Redacted.make(Buffer.alloc(32, 5).toString("base64")) } }

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

const eventId = (n: number) => StoreSuite.eventId(0x1000 + n)

/** An event JSON as the schema before payload pages sealed it: one payload per event, under its id. */
const eventJson = (id: string, type: string, recordId?: string) =>
  JSON.stringify({ id, type, timestamp: "2026-01-01T00:00:00.000Z", ...(recordId === undefined ? {} : { recordId, data: { name: "Ada Lovelace" } }) })

for (const d of dialects) {
  describe(`StoreSql (${d.name}) migration to payload pages`, () => {
    it.scoped("a database of the previous schema: pending and dead entries keep their payloads; acked record data stays gone", () =>
      Effect.gen(function*() {
        const at = yield* d.location
        const vault = yield* Vault.make(keys)
        const old = {
          pending: { id: eventId(1), type: "record.changed", kind: "record", recordId: "r1", status: "pending" },
          acked: { id: eventId(2), type: "record.new", kind: "record", recordId: "r2", status: "acked" },
          dead: { id: eventId(3), type: "record.changed", kind: "record", recordId: "r3", status: "dead" },
          emitted: { id: eventId(4), type: "sync.events.allEmitted", kind: "run", recordId: undefined, status: "acked" }
        } as const
        const sealed = new Map<string, Uint8Array>()

        // The previous schema, as its migration left it, with rows written by the code of the time.
        yield* Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          yield* sql.unsafe(migrationsTableSql(d.name))
          for (const statement of migrationsOf(d.name)[0].statements) yield* sql.unsafe(statement)
          yield* sql.unsafe(`INSERT INTO ${MIGRATIONS_TABLE} (migration_id, name) VALUES (1, 'init')`)
          yield* sql.unsafe(
            `INSERT INTO weft_runs (id, sync_id, integration_id, connector, tenant, type, status, started_at, warnings, errors, record_events, acked, dead_lettered, emission_closed)
VALUES ('run_test', 'syn_test', 'int_test', 'fake', 'acme', 'initial', 'succeeded', 1000, '[]', '[]', 3, 1, 1, ${d.name === "pg" ? "TRUE" : "1"})`
          )
          let seq = 0
          for (const e of Object.values(old)) {
            const held = e.status !== "acked" || e.kind === "run"
            const bytes = held ? vault.seal(eventJson(e.id, e.type, e.recordId), e.id) : null
            if (bytes !== null) sealed.set(e.id, new Uint8Array(bytes))
            const key = e.recordId === undefined ? "run/run_test" : `syn_test/hris.employee/${e.recordId}`
            yield* sql.unsafe(
              `INSERT INTO weft_outbox (seq, id, type, kind, run_id, sync_id, destination_id, ordering_key, model, record_id, created_at, status, attempts,
  next_attempt_at, settled_at, payload)
VALUES (${d.name === "pg" ? "$1, $2, $3, $4, 'run_test', 'syn_test', 'dst_test', $5, $6, $7, 1000, $8, $9, 1000, $10, $11" : "?, ?, ?, ?, 'run_test', 'syn_test', 'dst_test', ?, ?, ?, 1000, ?, ?, 1000, ?, ?"})`,
              [
                ++seq,
                e.id,
                e.type,
                e.kind,
                key,
                e.recordId === undefined ? null : "hris.employee",
                e.recordId ?? null,
                e.status,
                e.status === "pending" ? 0 : 1,
                e.status === "pending" ? null : 1_500,
                bytes
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

        // Each old payload is a payload of its own, under its event id, spanning all of it.
        for (const e of Object.values(old)) {
          const entry = Option.getOrThrow(yield* store.outbox.get(e.id))
          const bytes = sealed.get(e.id)
          if (bytes === undefined) {
            expect(entry.payload).toBeNull()
            continue
          }
          expect(entry.payload).toEqual({ id: e.id, offset: 0, length: bytes.length })
          expect(Option.getOrThrow(yield* store.outbox.payload(e.id))).toEqual(bytes)
        }

        // They open as before: delivery's opener reads exactly the event JSON.
        const payloads = Payloads.opener({ store, vault })
        const [claimed] = yield* store.outbox.claimDue({ now: 2_000, limit: 10, leaseMs: 30_000 })
        expect(claimed.id).toBe(old.pending.id)
        const body = yield* payloads.body(claimed)
        expect(Buffer.from(body!).toString()).toBe(eventJson(old.pending.id, "record.changed", "r1"))

        // Holds work as for new pages: the ack releases it, the dead one is requeued with it, purges release the rest.
        yield* store.outbox.settle(claimed.id, claimed.leaseToken!, StoreSuite.settlement.acked(2_000))
        expect(Option.isNone(yield* store.outbox.payload(old.pending.id))).toBe(true)
        expect(yield* store.outbox.requeue([old.dead.id, old.acked.id], 3_000)).toEqual([old.dead.id])
        const [replayed] = yield* store.outbox.claimDue({ now: 3_000, limit: 10, leaseMs: 30_000 })
        expect(Buffer.from((yield* payloads.body(replayed))!).toString()).toBe(eventJson(old.dead.id, "record.changed", "r3"))
        yield* store.outbox.settle(replayed.id, replayed.leaseToken!, StoreSuite.settlement.dead(3_000))
        expect(yield* store.outbox.purge(10_000)).toBe(4)
        for (const e of Object.values(old)) expect(Option.isNone(yield* store.outbox.payload(e.id))).toBe(true)
      }), 120_000)
  })
}
