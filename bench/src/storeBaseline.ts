/**
 * The store benchmark's baseline: the very rows of each page written by the
 * bare driver into the store's own tables (created from
 * `StoreSql.migrationSql`, so the columns and indexes are the same), one
 * transaction per page, statements prepared once.
 *
 * - SQLite (better-sqlite3): one prepared INSERT per row, inside
 *   `BEGIN IMMEDIATE … COMMIT`; the same pragmas as the store (WAL,
 *   `synchronous = NORMAL`). Queue positions (`seq`) come from a counter
 *   read once, as a single writer that owns the file would keep it.
 * - Postgres (`pg`): one parameterised multi-row INSERT per table and page
 *   (500 rows), as a named prepared statement, on one connection. Per-row
 *   statements would cost a round trip each (node-postgres does not
 *   pipeline), so multi-row is the fast, fair way with this driver; it is also
 *   what the store sends.
 */
import { createRequire } from "node:module"
import { StoreSql } from "@weft/store-sql"
import type { Rows } from "@weft/core/store"
import pg from "pg"

/** A page writer over a bare driver. */
export interface BareWriter {
  /** Creates the run row the pages count their events to. */
  readonly createRun: (run: Rows.RunRow) => Promise<void>
  readonly commit: (page: Rows.PageCommit) => Promise<void>
  readonly close: () => Promise<void>
}

// --- SQLite -------------------------------------------------------------------

/** The part of better-sqlite3's API used here (the package ships no types). */
interface SqliteStatement {
  run(...params: ReadonlyArray<unknown>): unknown
  get(...params: ReadonlyArray<unknown>): unknown
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement
  exec(sql: string): void
  pragma(text: string): unknown
  transaction<A extends ReadonlyArray<unknown>>(f: (...args: A) => void): { immediate: (...args: A) => void }
  close(): void
}
type SqliteOpen = new (filename: string) => SqliteDatabase

const require = createRequire(import.meta.url)

/** A blob parameter: better-sqlite3 binds Buffers (a view, no copy). */
const blob = (bytes: Uint8Array | null): Buffer | null =>
  bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

const FP_UPSERT = `INSERT INTO weft_fingerprints (sync_id, model, record_id, hash, generation, inactive) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (sync_id, model, record_id) DO UPDATE SET hash = excluded.hash, generation = excluded.generation, inactive = excluded.inactive`
const STATE_UPSERT = `INSERT INTO weft_model_states (sync_id, model, cursor, generation, last_full_read_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (sync_id, model) DO UPDATE SET cursor = excluded.cursor, generation = excluded.generation, last_full_read_at = excluded.last_full_read_at`
const AUDIT_UPSERT = `INSERT INTO weft_run_models (run_id, model, audit) VALUES (?, ?, ?)
ON CONFLICT (run_id, model) DO UPDATE SET audit = excluded.audit`
const ENTRY_COLUMNS =
  "id, type, kind, run_id, sync_id, destination_id, ordering_key, model, record_id, created_at, status, attempts, next_attempt_at, first_attempt_at, last_error, settled_at, lease_until, lease_token, replay, payload_id, payload_offset, payload_length"
const RUN_INSERT =
  "INSERT INTO weft_runs (id, sync_id, integration_id, connector, tenant, type, status, started_at, warnings, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

const entryParams = (e: Rows.OutboxEntry, bool: (b: boolean) => unknown): Array<unknown> => [
  e.id,
  e.type,
  e.kind,
  e.runId,
  e.syncId,
  e.destinationId,
  e.orderingKey,
  e.model ?? null,
  e.recordId ?? null,
  e.createdAt,
  e.status,
  e.attempts,
  e.nextAttemptAt,
  e.firstAttemptAt ?? null,
  e.lastError ?? null,
  e.settledAt ?? null,
  e.leaseUntil ?? null,
  e.leaseToken ?? null,
  e.replay === undefined ? null : bool(e.replay),
  e.payload?.id ?? null,
  e.payload?.offset ?? null,
  e.payload?.length ?? null
]

/** The sealed payloads a page's events bring, once each, with how many of its entries hold each. */
const payloadsOf = (events: ReadonlyArray<Rows.OutboxEntry>): Array<{ readonly id: string; readonly sealed: Uint8Array; holders: number }> => {
  const byId = new Map<string, { readonly id: string; readonly sealed: Uint8Array; holders: number }>()
  for (const e of events) {
    const ref = e.payload
    if (ref === null) continue
    const known = byId.get(ref.id)
    if (known !== undefined) known.holders++
    else if (ref.sealed !== undefined) byId.set(ref.id, { id: ref.id, sealed: ref.sealed, holders: 1 })
  }
  return [...byId.values()]
}

const runParams = (run: Rows.RunRow): Array<unknown> => [
  run.id,
  run.syncId,
  run.integrationId,
  run.connector,
  run.tenant,
  run.type,
  run.status,
  run.startedAt,
  JSON.stringify(run.warnings),
  JSON.stringify(run.errors)
]

/** The bare better-sqlite3 writer on `filename` (its schema created here). */
export const sqliteWriter = (filename: string): BareWriter => {
  const Database = require("better-sqlite3") as SqliteOpen
  const db = new Database(filename)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  db.pragma("busy_timeout = 5000")
  for (const m of StoreSql.migrationSql("sqlite")) db.exec(m.sql)
  const fp = db.prepare(FP_UPSERT)
  const state = db.prepare(STATE_UPSERT)
  const audit = db.prepare(AUDIT_UPSERT)
  const entry = db.prepare(`INSERT INTO weft_outbox (seq, ${ENTRY_COLUMNS}) VALUES (${Array.from({ length: 23 }, () => "?").join(", ")})`)
  const payload = db.prepare("INSERT INTO weft_payloads (id, sealed, holders) VALUES (?, ?, ?)")
  const count = db.prepare("UPDATE weft_runs SET record_events = record_events + ? WHERE id = ? AND emission_closed = 0")
  const insertRun = db.prepare(RUN_INSERT)
  let seq = Number((db.prepare("SELECT COALESCE(MAX(seq), 0) AS s FROM weft_outbox").get() as { s: number }).s)
  const bool = (b: boolean) => (b ? 1 : 0)
  const write = db.transaction((page: Rows.PageCommit) => {
    const { model, syncId } = page.scope
    for (const u of page.upserts) {
      fp.run(syncId, model, u.recordId, blob(u.fingerprint.hash), u.fingerprint.generation, bool(u.fingerprint.inactive))
    }
    if (page.state !== undefined) state.run(syncId, model, page.state.cursor ?? null, page.state.generation, page.state.lastFullReadAt ?? null)
    let records = 0
    for (const p of payloadsOf(page.events)) payload.run(p.id, blob(p.sealed), p.holders)
    for (const e of page.events) {
      entry.run(++seq, ...entryParams(e, bool))
      if (e.kind === "record" && e.replay !== true) records++
    }
    audit.run(page.run.runId, page.run.audit.model, JSON.stringify(page.run.audit))
    count.run(records, page.run.runId)
  })
  return {
    createRun: async (run) => {
      insertRun.run(...runParams(run))
    },
    commit: async (page) => write.immediate(page),
    close: async () => db.close()
  }
}

// --- Postgres -----------------------------------------------------------------

/** `($1, …, $w), ($w+1, …)`: `rows` tuples of `width` parameters. */
const tuples = (rows: number, width: number): string => {
  const out: Array<string> = []
  let n = 0
  for (let r = 0; r < rows; r++) out.push(`(${Array.from({ length: width }, () => `$${++n}`).join(", ")})`)
  return out.join(", ")
}

/** `?` placeholders → `$1, $2, …`. */
const numbered = (text: string): string => {
  let n = 0
  return text.replace(/\?/g, () => `$${++n}`)
}

/** The bare node-postgres writer on the database `url` (its schema created here). */
export const postgresWriter = async (url: string): Promise<BareWriter> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  for (const m of StoreSql.migrationSql("pg")) await client.query(m.sql)
  const bool = (b: boolean) => b
  // Named statements are parsed and planned once per connection; one per batch size.
  const fpText = (n: number) =>
    `INSERT INTO weft_fingerprints (sync_id, model, record_id, hash, generation, inactive) VALUES ${tuples(n, 6)}
ON CONFLICT (sync_id, model, record_id) DO UPDATE SET hash = excluded.hash, generation = excluded.generation, inactive = excluded.inactive`
  const entryText = (n: number) => `INSERT INTO weft_outbox (${ENTRY_COLUMNS}) VALUES ${tuples(n, 22)}`
  const payloadText = (n: number) => `INSERT INTO weft_payloads (id, sealed, holders) VALUES ${tuples(n, 3)}`
  const query = (name: string, text: string, values: Array<unknown>) => client.query({ name, text, values })
  const stateText = numbered(STATE_UPSERT)
  const auditText = "INSERT INTO weft_run_models (run_id, model, audit) VALUES ($1, $2, $3) ON CONFLICT (run_id, model) DO UPDATE SET audit = excluded.audit"
  const countText = "UPDATE weft_runs SET record_events = record_events + $1 WHERE id = $2 AND emission_closed = FALSE"
  return {
    createRun: async (run) => {
      await client.query(numbered(RUN_INSERT), runParams(run))
    },
    commit: async (page) => {
      const { model, syncId } = page.scope
      await client.query("BEGIN")
      try {
        if (page.upserts.length > 0) {
          const values: Array<unknown> = []
          for (const u of page.upserts) {
            values.push(syncId, model, u.recordId, u.fingerprint.hash, u.fingerprint.generation, u.fingerprint.inactive)
          }
          await query(`fp${page.upserts.length}`, fpText(page.upserts.length), values)
        }
        if (page.state !== undefined) {
          await query("state", stateText, [syncId, model, page.state.cursor ?? null, page.state.generation, page.state.lastFullReadAt ?? null])
        }
        let records = 0
        const payloads = payloadsOf(page.events)
        if (payloads.length > 0) {
          const values: Array<unknown> = []
          for (const p of payloads) values.push(p.id, blob(p.sealed), p.holders)
          await query(`payloads${payloads.length}`, payloadText(payloads.length), values)
        }
        if (page.events.length > 0) {
          const values: Array<unknown> = []
          for (const e of page.events) {
            for (const p of entryParams(e, bool)) values.push(p)
            if (e.kind === "record" && e.replay !== true) records++
          }
          await query(`entries${page.events.length}`, entryText(page.events.length), values)
        }
        await query("audit", auditText, [page.run.runId, page.run.audit.model, JSON.stringify(page.run.audit)])
        await query("count", countText, [records, page.run.runId])
        await client.query("COMMIT")
      } catch (error) {
        await client.query("ROLLBACK")
        throw error
      }
    },
    close: () => client.end()
  }
}
