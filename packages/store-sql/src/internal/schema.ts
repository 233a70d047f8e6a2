import type { Dialect } from "./dialect.js"

/**
 * The store's schema, one migration list per dialect. Every table carries the
 * `weft_` prefix so the store can share a database with the host's own
 * tables, and the applied migrations are recorded in their own table,
 * `weft_store_migrations`, apart from the host's `effect_sql_migrations`.
 *
 * Times are Unix milliseconds (`bigint` on Postgres). JSON (audits, options,
 * sync models) is stored as text, exactly as written.
 *
 * @internal
 */

/** When a pending entry is next claimable: its next attempt, or its lease end if later. @internal */
export const DUE = "(CASE WHEN lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at END)"

/** @internal */
export const MIGRATIONS_TABLE = "weft_store_migrations"

/** @internal */
export interface MigrationSpec {
  readonly id: number
  readonly name: string
  /** The statements, in order, without trailing semicolons. */
  readonly statements: ReadonlyArray<string>
}

const types = {
  sqlite: { time: "INTEGER", int: "INTEGER", bool: "INTEGER", bytes: "BLOB", true: "1", false: "0" },
  pg: { time: "BIGINT", int: "INTEGER", bool: "BOOLEAN", bytes: "BYTEA", true: "TRUE", false: "FALSE" }
} as const

const init = (dialect: Dialect): ReadonlyArray<string> => {
  const t = types[dialect]
  const pos = dialect === "pg" ? "pos BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "pos INTEGER PRIMARY KEY"
  // Postgres hands out queue positions from a sequence; SQLite (one writer) computes them in the write transaction.
  const seq = dialect === "pg" ? "seq BIGINT NOT NULL DEFAULT nextval('weft_outbox_seq')" : "seq INTEGER NOT NULL"
  const withoutRowid = dialect === "sqlite" ? " WITHOUT ROWID" : ""
  const hashLength = dialect === "pg" ? "octet_length(hash) = 16" : "length(hash) = 16"
  return [
    `CREATE TABLE weft_integrations (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  connector TEXT NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT,
  credentials ${t.bytes} NOT NULL,
  limits TEXT,
  created_at ${t.time} NOT NULL,
  updated_at ${t.time} NOT NULL
)`,
    `CREATE INDEX weft_integrations_tenant ON weft_integrations (tenant)`,
    `CREATE TABLE weft_destinations (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  secrets ${t.bytes} NOT NULL,
  enabled ${t.bool} NOT NULL,
  disabled_reason TEXT,
  options TEXT NOT NULL,
  max_concurrency ${t.int} NOT NULL,
  created_at ${t.time} NOT NULL,
  updated_at ${t.time} NOT NULL
)`,
    `CREATE TABLE weft_syncs (
  id TEXT PRIMARY KEY,
  integration_id TEXT NOT NULL,
  destination_id TEXT NOT NULL,
  models TEXT NOT NULL,
  frequency_ms ${t.time} NOT NULL,
  status TEXT NOT NULL,
  include_inactive ${t.bool} NOT NULL,
  initial_completed_at ${t.time},
  created_at ${t.time} NOT NULL,
  updated_at ${t.time} NOT NULL
)`,
    `CREATE INDEX weft_syncs_integration ON weft_syncs (integration_id)`,
    `CREATE TABLE weft_model_states (
  sync_id TEXT NOT NULL,
  model TEXT NOT NULL,
  cursor TEXT,
  generation ${t.time} NOT NULL,
  last_full_read_at ${t.time},
  PRIMARY KEY (sync_id, model)
)`,
    `CREATE TABLE weft_fingerprints (
  sync_id TEXT NOT NULL,
  model TEXT NOT NULL,
  record_id TEXT NOT NULL,
  hash ${t.bytes} NOT NULL CHECK (${hashLength}),
  generation ${t.time} NOT NULL,
  inactive ${t.bool} NOT NULL,
  PRIMARY KEY (sync_id, model, record_id)
)${withoutRowid}`,
    `CREATE INDEX weft_fingerprints_generation ON weft_fingerprints (sync_id, model, generation)`,
    `CREATE TABLE weft_runs (
  ${pos},
  id TEXT NOT NULL UNIQUE,
  sync_id TEXT NOT NULL,
  destination_id TEXT,
  integration_id TEXT NOT NULL,
  connector TEXT NOT NULL,
  tenant TEXT NOT NULL,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at ${t.time} NOT NULL,
  finished_at ${t.time},
  warnings TEXT NOT NULL,
  errors TEXT NOT NULL,
  record_events ${t.time} NOT NULL DEFAULT 0,
  acked ${t.time} NOT NULL DEFAULT 0,
  dead_lettered ${t.time} NOT NULL DEFAULT 0,
  emission_closed ${t.bool} NOT NULL DEFAULT ${t.false},
  consumed_enqueued ${t.bool} NOT NULL DEFAULT ${t.false}
)`,
    `CREATE INDEX weft_runs_started ON weft_runs (started_at, id)`,
    `CREATE INDEX weft_runs_sync ON weft_runs (sync_id, started_at, id)`,
    `CREATE INDEX weft_runs_integration ON weft_runs (integration_id, started_at, id)`,
    // Closed runs whose allConsumed is not out yet: few, and what recovery asks for.
    `CREATE INDEX weft_runs_consumption ON weft_runs (pos) WHERE emission_closed = ${t.true} AND consumed_enqueued = ${t.false}`,
    // One row per model of a run, so concurrent page commits of different models never overwrite each other's audit.
    `CREATE TABLE weft_run_models (
  run_id TEXT NOT NULL,
  model TEXT NOT NULL,
  audit TEXT NOT NULL,
  PRIMARY KEY (run_id, model)
)`,
    ...(dialect === "pg" ? ["CREATE SEQUENCE weft_outbox_seq"] : []),
    // `pos`: insertion order (listing, paging). `seq`: queue order, renewed when an entry is requeued.
    `CREATE TABLE weft_outbox (
  ${pos},
  ${seq},
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  kind TEXT NOT NULL,
  run_id TEXT NOT NULL,
  sync_id TEXT NOT NULL,
  destination_id TEXT NOT NULL,
  ordering_key TEXT NOT NULL,
  model TEXT,
  record_id TEXT,
  created_at ${t.time} NOT NULL,
  status TEXT NOT NULL,
  attempts ${t.int} NOT NULL,
  next_attempt_at ${t.time} NOT NULL,
  first_attempt_at ${t.time},
  last_error TEXT,
  settled_at ${t.time},
  lease_until ${t.time},
  lease_token TEXT,
  replay ${t.bool},
  payload ${t.bytes}
)`,
    // Claims walk pending entries in queue order; the key index answers "is there an earlier pending entry of this key".
    `CREATE INDEX weft_outbox_pending ON weft_outbox (seq) WHERE status = 'pending'`,
    `CREATE INDEX weft_outbox_pending_key ON weft_outbox (ordering_key, seq) WHERE status = 'pending'`,
    `CREATE INDEX weft_outbox_pending_destination ON weft_outbox (destination_id, seq) WHERE status = 'pending'`,
    // nextDueAt walks a destination's pending entries by due time (next attempt or lease end) to its first key head.
    `CREATE INDEX weft_outbox_pending_due ON weft_outbox (destination_id, ${DUE}) WHERE status = 'pending'`,
    `CREATE INDEX weft_outbox_run ON weft_outbox (run_id, pos)`,
    `CREATE INDEX weft_outbox_sync ON weft_outbox (sync_id, pos)`,
    `CREATE INDEX weft_outbox_settled ON weft_outbox (settled_at) WHERE status <> 'pending'`,
    `CREATE TABLE weft_run_leases (
  sync_id TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  lease_until ${t.time} NOT NULL
)`
  ]
}

/**
 * Payloads kept once per page: `weft_payloads` holds each sealed payload
 * with the number of entries that hold it, and an entry refers to its slice
 * (`payload_id`, `payload_offset`, `payload_length`). Every payload of the
 * one-payload-per-event layout becomes a payload of its own under the id it
 * was sealed with (its event's), and its entry spans it all: offset 0, the
 * sealed length, which runs past the end of the opened bytes (readers stop
 * at the end). Nothing pending loses its payload. Then the old column goes.
 */
const payloadPages = (dialect: Dialect): ReadonlyArray<string> => {
  const t = types[dialect]
  const length = dialect === "pg" ? "octet_length(payload)" : "length(payload)"
  return [
    `CREATE TABLE weft_payloads (
  id TEXT PRIMARY KEY,
  sealed ${t.bytes} NOT NULL,
  holders ${t.int} NOT NULL
)`,
    `ALTER TABLE weft_outbox ADD COLUMN payload_id TEXT`,
    `ALTER TABLE weft_outbox ADD COLUMN payload_offset ${t.int}`,
    `ALTER TABLE weft_outbox ADD COLUMN payload_length ${t.int}`,
    `INSERT INTO weft_payloads (id, sealed, holders) SELECT id, payload, 1 FROM weft_outbox WHERE payload IS NOT NULL`,
    `UPDATE weft_outbox SET payload_id = id, payload_offset = 0, payload_length = ${length} WHERE payload IS NOT NULL`,
    `ALTER TABLE weft_outbox DROP COLUMN payload`
  ]
}

/**
 * Delivery attempts: one row per attempt a settle reported, keyed by the
 * entry and the attempt's ordinal among the entry's attempts (`n`, from 1).
 * The entry counts its reported attempts in `attempt_log` (a requeue keeps
 * it, so a replay's attempts follow the earlier ones); a settle that reports
 * attempt `n` removes those before `n - ATTEMPTS_KEPT + 1`.
 */
const attempts = (dialect: Dialect): ReadonlyArray<string> => {
  const t = types[dialect]
  const withoutRowid = dialect === "sqlite" ? " WITHOUT ROWID" : ""
  return [
    `CREATE TABLE weft_attempts (
  event_id TEXT NOT NULL,
  n ${t.int} NOT NULL,
  at ${t.time} NOT NULL,
  duration_ms ${t.time} NOT NULL,
  status_code ${t.int},
  error TEXT,
  outcome TEXT NOT NULL,
  PRIMARY KEY (event_id, n)
)${withoutRowid}`,
    `ALTER TABLE weft_outbox ADD COLUMN attempt_log ${t.int} NOT NULL DEFAULT 0`
  ]
}

/**
 * The migrations of a dialect, oldest first. Append new ones; never change
 * one that shipped (databases record which ids they applied).
 *
 * @internal
 */
export const migrationsOf = (dialect: Dialect): ReadonlyArray<MigrationSpec> => [
  { id: 1, name: "init", statements: init(dialect) },
  { id: 2, name: "payload_pages", statements: payloadPages(dialect) },
  { id: 3, name: "attempts", statements: attempts(dialect) }
]

/** The newest migration this version knows. @internal */
export const LATEST = 3

/** The statement that creates the migrations table (the Migrator's own layout). @internal */
export const migrationsTableSql = (dialect: Dialect): string =>
  dialect === "pg"
    ? `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  migration_id integer primary key,
  created_at timestamp with time zone not null default now(),
  name text not null
)`
    : `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  migration_id integer PRIMARY KEY NOT NULL,
  created_at datetime NOT NULL DEFAULT current_timestamp,
  name VARCHAR(255) NOT NULL
)`
