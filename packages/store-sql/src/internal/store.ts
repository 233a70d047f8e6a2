import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import { Fingerprint } from "@weft/core/ground"
import { Rows, Store } from "@weft/core/store"
import { bytesView, chunks, type Dialect, dialects, marks, num, type Param, tuples } from "./dialect.js"
import { mapErrors, reject, type Rejection } from "./error.js"
import {
  attemptOf,
  auditOf,
  deliveryOf,
  destinationOf,
  entryOf,
  fingerprintOf,
  integrationOf,
  modelStateOf,
  type Raw,
  runOf,
  syncOf
} from "./rows.js"
import * as GroupCommit from "./groupCommit.js"
import { fileLock, makeTransact, retryTransient } from "./transaction.js"
import { DUE } from "./schema.js"

/** The last queue position among pending entries (SQLite); uses the `weft_outbox_pending` partial index. */
const MAX_PENDING_SEQ = "SELECT COALESCE(MAX(seq), 0) AS s FROM weft_outbox WHERE status = 'pending'"

/**
 * The Store over an `SqlClient`: every operation is one statement or one
 * transaction, validated like the memory store (the reference), and failing
 * with a `StoreError` naming the operation.
 *
 * @internal
 */

const DEFAULT_OUTBOX_LIMIT = 1000
const DEFAULT_RUN_LIMIT = 100
/** Largest generation the memory store (the reference) accepts. */
const MAX_GENERATION = 0xffff_ffff

const SETTLED: Rows.SettleResult = { _tag: "Settled" }
const STALE: Rows.SettleResult = { _tag: "Stale" }

const validLimit = (limit: number, what: string): Effect.Effect<number, Rejection> =>
  Number.isInteger(limit) && limit >= 0 ? Effect.succeed(limit) : reject(`${what} must be a non-negative integer, got ${limit}`)

const validTime = (time: number, what: string): Effect.Effect<number, Rejection> =>
  Number.isFinite(time) ? Effect.succeed(time) : reject(`${what} must be a finite number of milliseconds, got ${time}`)

const countsToRun = (row: Rows.OutboxEntry): boolean => row.kind === "record" && row.replay !== true

const ENTRY_COLUMNS = [
  "id",
  "type",
  "kind",
  "run_id",
  "sync_id",
  "destination_id",
  "ordering_key",
  "model",
  "record_id",
  "created_at",
  "status",
  "attempts",
  "next_attempt_at",
  "first_attempt_at",
  "last_error",
  "settled_at",
  "lease_until",
  "lease_token",
  "replay",
  "payload_id",
  "payload_offset",
  "payload_length"
] as const

/** One ack, retry or dead-letter of a claimed entry. */
interface SettleInput {
  readonly id: string
  readonly leaseToken: string
  readonly settlement: Extract<Rows.Settlement, { readonly _tag: "Acked" | "Retry" | "DeadLettered" }>
}

/** An attempt a settle reported, with its ordinal among the entry's attempts. */
interface Logged {
  readonly id: string
  readonly n: number
  readonly report: Rows.AttemptReport
  readonly outcome: Rows.AttemptOutcome
}

/** What is wrong with a settlement's attempt report, if anything. */
const badReport = (report: Rows.AttemptReport | undefined): string | undefined => {
  if (report === undefined) return undefined
  if (typeof report !== "object" || report === null) return "an attempt report must be an object"
  if (!Number.isFinite(report.at)) return `attempt.at must be a finite number of milliseconds, got ${report.at}`
  if (!Number.isFinite(report.durationMs) || report.durationMs < 0) {
    return `attempt.durationMs must be a finite, non-negative number of milliseconds, got ${report.durationMs}`
  }
  if (report.statusCode !== undefined && !Number.isInteger(report.statusCode)) {
    return `attempt.statusCode must be an integer, got ${report.statusCode}`
  }
  if (report.error !== undefined && typeof report.error !== "string") return "attempt.error must be a string"
  return undefined
}

/** Options the store is made with. @internal */
export interface MakeOptions {
  readonly sql: SqlClient.SqlClient
  readonly dialect: Dialect
  /** Texts never to show in an error (a connection URL's password). */
  readonly secrets: ReadonlyArray<string>
}

/** @internal */
export const make = (options: MakeOptions): Store.StoreService => {
  const d = dialects[options.dialect]
  const pg = options.dialect === "pg"
  // The host's client may transform result names (camelCase…): the store reads its own columns as written.
  const db = options.sql.withoutTransforms()
  const transact = makeTransact(db, options.dialect)
  const serialize = fileLock(options.sql, options.dialect)
  const T = pg ? "TRUE" : "1"
  const F = pg ? "FALSE" : "0"

  const run = (text: string, params: ReadonlyArray<Param | ReadonlyArray<string>> = []): Effect.Effect<ReadonlyArray<Raw>, unknown> =>
    db.unsafe<Raw>(d.q(text), params)

  const op = <A>(name: string, effect: Effect.Effect<A, unknown>): Effect.Effect<A, Store.StoreError> =>
    effect.pipe(retryTransient, serialize, mapErrors(name, options.secrets))

  const tx = <A>(name: string, effect: Effect.Effect<A, unknown>): Effect.Effect<A, Store.StoreError> =>
    op(name, transact(effect))

  // Acking, retrying or dead-lettering one claimed entry: its row and its run's counters; the payload
  // hold it gives up is added to `releases` and the attempt it reports to `logged`, both applied once
  // at the end of the transaction (see settleBatch). Concurrent ones share a transaction (see groupCommit.ts).
  const settleCounted = (
    input: SettleInput,
    releases: Map<string, number>,
    logged: Array<Logged>
  ): Effect.Effect<Rows.SettleResult, unknown> => {
    const { id, leaseToken, settlement } = input
    const fence = "WHERE id = ? AND lease_token = ? AND status = 'pending'"
    const report = settlement.attempt
    // The entry counts the attempts reported to it: the new one's ordinal comes back with the update.
    const log = report === undefined ? "" : ", attempt_log = attempt_log + 1"
    const note = (rows: ReadonlyArray<Raw>) => {
      if (report !== undefined && rows.length > 0) {
        logged.push({ id, n: num(rows[0].attempt_log), report, outcome: Rows.attemptOutcome(settlement._tag) })
      }
    }
    return Effect.gen(function*() {
      if (settlement._tag === "Retry") {
        const retried = yield* run(
          `UPDATE weft_outbox SET attempts = ?, first_attempt_at = ?, next_attempt_at = ?, last_error = ?, lease_until = NULL, lease_token = NULL${log}
${fence} RETURNING attempt_log`,
          [settlement.attempts, settlement.firstAttemptAt, settlement.nextAttemptAt, settlement.error, id, leaseToken]
        )
        note(retried)
        return retried.length === 0 ? STALE : SETTLED
      }
      const acked = settlement._tag === "Acked"
      // Acking an event that carries record data releases its payload hold: the held payload id
      // is read with the update (Postgres: from the row before it; SQLite: under its one write lock).
      const released = `CASE WHEN type IN ('record.new', 'record.changed') THEN NULL ELSE`
      let held: unknown = null
      if (acked && !pg) {
        const before = yield* run(`SELECT payload_id FROM weft_outbox ${fence}`, [id, leaseToken])
        held = before[0]?.payload_id ?? null
      }
      const rows = acked
        ? yield* run(
          `UPDATE weft_outbox SET status = 'acked',
    payload_id = ${released} payload_id END, payload_offset = ${released} payload_offset END,
    payload_length = ${released} payload_length END,
    settled_at = ?, attempts = ?, first_attempt_at = ?, lease_until = NULL, lease_token = NULL${log}
  ${
            pg
              ? `FROM (SELECT payload_id AS held FROM weft_outbox WHERE id = ?) AS before
  WHERE weft_outbox.id = ? AND weft_outbox.lease_token = ? AND weft_outbox.status = 'pending'
  RETURNING weft_outbox.kind, weft_outbox.replay, weft_outbox.run_id, weft_outbox.type, weft_outbox.attempt_log, before.held`
              : `${fence} RETURNING kind, replay, run_id, type, attempt_log`
          }`,
          pg
            ? [settlement.at, settlement.attempts, settlement.firstAttemptAt, id, id, leaseToken]
            : [settlement.at, settlement.attempts, settlement.firstAttemptAt, id, leaseToken]
        )
        : yield* run(
          `UPDATE weft_outbox SET status = 'dead', settled_at = ?, attempts = ?, last_error = ?,
    first_attempt_at = COALESCE(?, first_attempt_at), lease_until = NULL, lease_token = NULL${log}
  ${fence} RETURNING kind, replay, run_id, attempt_log`,
          [settlement.at, settlement.attempts, settlement.error, optional(settlement.firstAttemptAt), id, leaseToken]
        )
      if (rows.length > 0 && acked) {
        if (pg) held = rows[0].held
        if (held !== null && held !== undefined && Rows.carriesRecordData(String(rows[0].type) as Rows.OutboxEntry["type"])) {
          releases.set(String(held), (releases.get(String(held)) ?? 0) + 1)
        }
      }
      if (rows.length === 0) return STALE
      note(rows)
      const row = rows[0]
      if (String(row.kind) !== "record" || (row.replay !== null && row.replay !== undefined && (row.replay === true || num(row.replay) === 1))) {
        return SETTLED
      }
      const runId = String(row.run_id)
      const counters = yield* run(
        `UPDATE weft_runs SET ${acked ? "acked = acked + 1" : "dead_lettered = dead_lettered + 1"} WHERE id = ?
  RETURNING record_events, acked, dead_lettered, emission_closed, consumed_enqueued`,
        [runId]
      )
      if (counters.length === 0) {
        return yield* reject(`cannot count a settled event to run "${runId}": no such run; create it with runs.create first`)
      }
      return Rows.consumptionDue(deliveryOf(counters[0])) ? { _tag: "Settled" as const, consumptionDue: runId } : SETTLED
    })
  }
  // The payload holds go last, after every entry and run row, in payload id order: the rows every
  // transaction locks come in one order (entries, runs, payloads), so concurrent batches that share
  // pages wait for each other instead of deadlocking.
  const settleBatch = (inputs: ReadonlyArray<SettleInput>) =>
    Effect.gen(function*() {
      const releases = new Map<string, number>()
      const logged: Array<Logged> = []
      const out = yield* Effect.forEach(inputs, (input) => settleCounted(input, releases, logged))
      yield* logAttempts(logged)
      yield* releasePayloads(releases)
      return out
    })

  // The batch's attempts in one statement (per 500), then, for an entry past the cap, its oldest one.
  const logAttempts = (logged: ReadonlyArray<Logged>): Effect.Effect<void, unknown> =>
    Effect.gen(function*() {
      if (logged.length === 0) return
      for (const chunk of chunks(logged, 7, d.maxParams, 500)) {
        const params: Array<Param> = []
        for (const a of chunk) {
          params.push(a.id, a.n, a.report.at, a.report.durationMs, optional(a.report.statusCode), optional(a.report.error), a.outcome)
        }
        yield* run(
          `INSERT INTO weft_attempts (event_id, n, at, duration_ms, status_code, error, outcome) VALUES ${tuples(chunk.length, 7)}`,
          params
        )
      }
      for (const a of logged) {
        if (a.n > Rows.ATTEMPTS_KEPT) yield* run("DELETE FROM weft_attempts WHERE event_id = ? AND n <= ?", [a.id, a.n - Rows.ATTEMPTS_KEPT])
      }
    })
  const settles = GroupCommit.make<SettleInput, Rows.SettleResult, Store.StoreError>({
    maxBatch: 256,
    together: (inputs) => tx("outbox.settle", settleBatch(inputs)),
    alone: (input) => tx("outbox.settle", Effect.map(settleBatch([input]), (out) => out[0]!))
  })

  const json = (value: unknown): string => JSON.stringify(value)
  const optional = <A>(value: A | undefined): A | null => (value === undefined ? null : value)

  const entryParams = (e: Rows.OutboxEntry): Array<Param> => [
    e.id,
    e.type,
    e.kind,
    e.runId,
    e.syncId,
    e.destinationId,
    e.orderingKey,
    optional(e.model),
    optional(e.recordId),
    e.createdAt,
    e.status,
    e.attempts,
    e.nextAttemptAt,
    optional(e.firstAttemptAt),
    optional(e.lastError),
    optional(e.settledAt),
    optional(e.leaseUntil),
    optional(e.leaseToken),
    e.replay === undefined ? null : d.bool(e.replay),
    e.payload === null ? null : e.payload.id,
    e.payload === null ? null : e.payload.offset,
    e.payload === null ? null : e.payload.length
  ]

  /**
   * The entries' payload holds: each payload an entry brings (`sealed`) is
   * kept once, and every payload held gains one hold per entry. A payload
   * neither kept nor brought fails the operation.
   */
  const holdPayloads = (entries: ReadonlyArray<Rows.OutboxEntry>): Effect.Effect<void, unknown> =>
    Effect.gen(function*() {
      const refs = new Map<string, { sealed: Uint8Array | undefined; n: number; entryId: string }>()
      for (const e of entries) {
        const ref = e.payload
        if (ref === null) continue
        if (typeof ref.id !== "string" || ref.id === "") return yield* reject(`outbox entry "${e.id}" refers to a payload without an id`)
        if (!Number.isInteger(ref.offset) || ref.offset < 0 || !Number.isInteger(ref.length) || ref.length < 0) {
          return yield* reject(`outbox entry "${e.id}" refers to bytes ${ref.offset}+${ref.length} of its payload; both must be non-negative integers`)
        }
        if (ref.sealed !== undefined && !(ref.sealed instanceof Uint8Array)) {
          return yield* reject(`outbox entry "${e.id}" brings a payload that is not bytes`)
        }
        const known = refs.get(ref.id)
        if (known === undefined) refs.set(ref.id, { sealed: ref.sealed, n: 1, entryId: e.id })
        else {
          known.n++
          known.sealed ??= ref.sealed
        }
      }
      if (refs.size === 0) return
      // A fixed order keeps concurrent writers from deadlocking on shared payloads.
      const ids = [...refs.keys()].sort()
      const brought = ids.filter((id) => refs.get(id)!.sealed !== undefined)
      for (const chunk of chunks(brought, 3, d.maxParams, 200)) {
        const params: Array<Param> = []
        for (const id of chunk) {
          const ref = refs.get(id)!
          params.push(id, ref.sealed!, ref.n)
        }
        yield* run(
          `INSERT INTO weft_payloads (id, sealed, holders) VALUES ${tuples(chunk.length, 3)}
ON CONFLICT (id) DO UPDATE SET holders = weft_payloads.holders + excluded.holders`,
          params
        )
      }
      for (const id of ids) {
        const ref = refs.get(id)!
        if (ref.sealed !== undefined) continue
        const held = yield* run("UPDATE weft_payloads SET holders = holders + ? WHERE id = ? RETURNING id", [ref.n, id])
        if (held.length === 0) {
          return yield* reject(
            `outbox entry "${ref.entryId}" refers to payload "${id}", which the store does not hold and the write does not bring`
          )
        }
      }
    })

  /** Gives up holds (`n` per payload id); a payload left without holders is removed. */
  const releasePayloads = (holds: ReadonlyMap<string, number>): Effect.Effect<void, unknown> =>
    Effect.gen(function*() {
      if (holds.size === 0) return
      const ids = [...holds.keys()].sort()
      const empty: Array<string> = []
      // Decrement first (it locks the row), then remove: a concurrent release waits and sees the new count.
      // A few (a settle batch's pages): one statement each, in id order, so the locks come in that order.
      if (ids.length <= 32) {
        for (const id of ids) {
          const rows = yield* run("UPDATE weft_payloads SET holders = holders - ? WHERE id = ? RETURNING holders", [holds.get(id)!, id])
          if (rows.length > 0 && num(rows[0].holders) <= 0) empty.push(id)
        }
      } else {
        for (const chunk of chunks(ids, 2, d.maxParams, 500)) {
          const params: Array<Param> = []
          for (const id of chunk) params.push(id, holds.get(id)!)
          const values = pg
            ? `(VALUES ${Array.from({ length: chunk.length }, () => "(?::text, ?::int)").join(", ")}) AS v(id, n)`
            : `(SELECT column1 AS id, column2 AS n FROM (VALUES ${tuples(chunk.length, 2)})) AS v`
          const rows = yield* run(
            `UPDATE weft_payloads SET holders = holders - v.n FROM ${values} WHERE weft_payloads.id = v.id
RETURNING weft_payloads.id, weft_payloads.holders`,
            params
          )
          for (const r of rows) if (num(r.holders) <= 0) empty.push(String(r.id))
        }
      }
      for (const chunk of chunks(empty, 1, d.maxParams, 1_000)) {
        yield* run(`DELETE FROM weft_payloads WHERE id IN (${marks(chunk.length)}) AND holders <= 0`, chunk)
      }
    })

  /**
   * Inserts entries at the back of the outbox, in order. Ids already used
   * fail the operation with the first one named.
   */
  const insertEntries = (entries: ReadonlyArray<Rows.OutboxEntry>): Effect.Effect<void, unknown> =>
    Effect.gen(function*() {
      if (entries.length === 0) return
      const seen = new Set<string>()
      for (const e of entries) {
        if (seen.has(e.id)) return yield* reject(`outbox entry id "${e.id}" is already used; every event needs a unique id`)
        seen.add(e.id)
      }
      yield* holdPayloads(entries)
      // SQLite has one writer (this transaction): queue positions follow the largest pending one. Queue
      // order only ranks pending entries, and the partial index answers this at once (all rows: a scan).
      let base = 0
      if (!pg) base = num((yield* run(MAX_PENDING_SEQ))[0]?.s)
      const width = ENTRY_COLUMNS.length + (pg ? 0 : 1)
      const columns = pg ? ENTRY_COLUMNS.join(", ") : `seq, ${ENTRY_COLUMNS.join(", ")}`
      let offset = 0
      for (const chunk of chunks(entries, width, d.maxParams, 500)) {
        const params: Array<Param> = []
        for (const e of chunk) {
          if (!pg) params.push(base + ++offset)
          for (const p of entryParams(e)) params.push(p)
        }
        const inserted = yield* run(
          `INSERT INTO weft_outbox (${columns}) VALUES ${tuples(chunk.length, width)} ON CONFLICT (id) DO NOTHING RETURNING id`,
          params
        )
        if (inserted.length !== chunk.length) {
          const ok = new Set(inserted.map((r) => String(r.id)))
          const taken = chunk.find((e) => !ok.has(e.id))
          return yield* reject(`outbox entry id "${taken?.id}" is already used; every event needs a unique id`)
        }
      }
    })

  /** Runs' model audits, by run id. */
  const auditsOf = (runIds: ReadonlyArray<string>) =>
    Effect.gen(function*() {
      const out = new Map<string, Record<string, Rows.ModelAudit>>()
      for (const id of runIds) out.set(id, {})
      for (const chunk of chunks(runIds, 1, d.maxParams, 500)) {
        const rows = yield* run(
          `SELECT run_id, model, audit FROM weft_run_models WHERE run_id IN (${marks(chunk.length)})`,
          chunk
        )
        for (const r of rows) out.get(String(r.run_id))![String(r.model)] = auditOf(r.audit)
      }
      return out
    })

  const putAudits = (runId: string, audits: ReadonlyArray<Rows.ModelAudit>) =>
    Effect.gen(function*() {
      for (const chunk of chunks(audits, 3, d.maxParams, 200)) {
        const params: Array<Param> = []
        for (const a of chunk) params.push(runId, a.model, json(a))
        yield* run(
          `INSERT INTO weft_run_models (run_id, model, audit) VALUES ${tuples(chunk.length, 3)}
ON CONFLICT (run_id, model) DO UPDATE SET audit = excluded.audit`,
          params
        )
      }
    })

  /** Why a run could not take an update: it is missing, or closed. */
  const runProblem = (runId: string, doing: string) =>
    Effect.gen(function*() {
      const rows = yield* run("SELECT emission_closed FROM weft_runs WHERE id = ?", [runId])
      if (rows.length === 0) return yield* reject(`cannot ${doing} run "${runId}": no such run; create it with runs.create first`)
      return yield* reject(`run "${runId}" is closed (allEmitted is out); it takes no more record events`)
    })

  const scopeWhere = "sync_id = ? AND model = ?"

  const countsBy = (rows: ReadonlyArray<Raw>): Rows.FingerprintCounts => {
    let active = 0
    let inactive = 0
    for (const r of rows) {
      if (r.inactive === true || num(r.inactive) === 1) inactive += num(r.n)
      else active += num(r.n)
    }
    return { active, inactive }
  }

  const newToken: Effect.Effect<string> = Effect.map(
    Effect.all([Random.nextIntBetween(0, 2 ** 30), Random.nextIntBetween(0, 2 ** 30), Random.nextIntBetween(0, 2 ** 30), Random.nextIntBetween(0, 2 ** 30)]),
    (parts) => `lease_${parts.map((p) => p.toString(36).padStart(6, "0")).join("")}`
  )

  // The head of its ordering key: the least queue position among the key's pending entries. Written as
  // MIN over the key (not "no earlier pending entry"), so the planner can only answer it with the
  // (ordering_key, seq) index; the NOT EXISTS form let Postgres, on stale statistics, walk the seq index
  // for every candidate (6 s per claim with 5,500 pending, 40 ms this way).
  const headOf = (alias: string) =>
    `${alias}.seq = (SELECT MIN(p.seq) FROM weft_outbox p WHERE p.status = 'pending' AND p.ordering_key = ${alias}.ordering_key)`
  const destinationEnabled = (alias: string) =>
    `NOT EXISTS (SELECT 1 FROM weft_destinations dd WHERE dd.id = ${alias}.destination_id AND dd.enabled = ${F})`

  return Store.Store.of({
    integrations: {
      put: (row) =>
        op(
          "integrations.put",
          run(
            `INSERT INTO weft_integrations (id, tenant, connector, status, status_message, credentials, limits, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, connector = excluded.connector, status = excluded.status,
  status_message = excluded.status_message, credentials = excluded.credentials, limits = excluded.limits,
  created_at = excluded.created_at, updated_at = excluded.updated_at`,
            [
              row.id,
              row.tenant,
              row.connector,
              row.status,
              optional(row.statusMessage),
              row.credentials,
              row.limits === undefined ? null : json(row.limits),
              row.createdAt,
              row.updatedAt
            ]
          )
        ).pipe(Effect.asVoid),
      get: (id) =>
        op(
          "integrations.get",
          Effect.map(run("SELECT * FROM weft_integrations WHERE id = ?", [id]), (rows) =>
            Option.map(Option.fromNullable(rows[0]), integrationOf))
        ),
      list: (query) =>
        op(
          "integrations.list",
          Effect.map(
            query?.tenant === undefined
              ? run("SELECT * FROM weft_integrations ORDER BY id")
              : run("SELECT * FROM weft_integrations WHERE tenant = ? ORDER BY id", [query.tenant]),
            (rows) => rows.map(integrationOf)
          )
        ),
      delete: (id) =>
        tx(
          "integrations.delete",
          Effect.gen(function*() {
            const syncs = yield* run("SELECT id FROM weft_syncs WHERE integration_id = ? LIMIT 1", [id])
            if (syncs.length > 0) {
              return yield* reject(`integration "${id}" still has sync "${String(syncs[0].id)}"; delete its syncs first`)
            }
            yield* run("DELETE FROM weft_integrations WHERE id = ?", [id])
          })
        )
    },
    destinations: {
      put: (row) =>
        op(
          "destinations.put",
          run(
            `INSERT INTO weft_destinations (id, url, secrets, enabled, disabled_reason, options, max_concurrency, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET url = excluded.url, secrets = excluded.secrets, enabled = excluded.enabled,
  disabled_reason = excluded.disabled_reason, options = excluded.options, max_concurrency = excluded.max_concurrency,
  created_at = excluded.created_at, updated_at = excluded.updated_at`,
            [
              row.id,
              row.url,
              row.secrets,
              d.bool(row.enabled),
              optional(row.disabledReason),
              json(row.options),
              row.maxConcurrency,
              row.createdAt,
              row.updatedAt
            ]
          )
        ).pipe(Effect.asVoid),
      get: (id) =>
        op(
          "destinations.get",
          Effect.map(run("SELECT * FROM weft_destinations WHERE id = ?", [id]), (rows) =>
            Option.map(Option.fromNullable(rows[0]), destinationOf))
        ),
      list: () =>
        op("destinations.list", Effect.map(run("SELECT * FROM weft_destinations ORDER BY id"), (rows) => rows.map(destinationOf))),
      setEnabled: (id, enabled, reason, now) =>
        op(
          "destinations.setEnabled",
          Effect.gen(function*() {
            yield* validTime(now, "now")
            const rows = yield* run(
              "UPDATE weft_destinations SET enabled = ?, disabled_reason = ?, updated_at = ? WHERE id = ? RETURNING id",
              [d.bool(enabled), enabled ? null : optional(reason), now, id]
            )
            if (rows.length === 0) return yield* reject(`no destination with id "${id}"; put the destination first`)
          })
        )
    },
    syncs: {
      put: (row) =>
        op(
          "syncs.put",
          run(
            `INSERT INTO weft_syncs (id, integration_id, destination_id, models, frequency_ms, status, include_inactive, initial_completed_at, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET integration_id = excluded.integration_id, destination_id = excluded.destination_id,
  models = excluded.models, frequency_ms = excluded.frequency_ms, status = excluded.status,
  include_inactive = excluded.include_inactive, initial_completed_at = excluded.initial_completed_at,
  created_at = excluded.created_at, updated_at = excluded.updated_at`,
            [
              row.id,
              row.integrationId,
              row.destinationId,
              json(row.models),
              row.frequencyMs,
              row.status,
              d.bool(row.includeInactive),
              optional(row.initialCompletedAt),
              row.createdAt,
              row.updatedAt
            ]
          )
        ).pipe(Effect.asVoid),
      get: (id) =>
        op(
          "syncs.get",
          Effect.map(run("SELECT * FROM weft_syncs WHERE id = ?", [id]), (rows) => Option.map(Option.fromNullable(rows[0]), syncOf))
        ),
      list: (query) =>
        op(
          "syncs.list",
          Effect.map(
            query?.integrationId === undefined
              ? run("SELECT * FROM weft_syncs ORDER BY id")
              : run("SELECT * FROM weft_syncs WHERE integration_id = ? ORDER BY id", [query.integrationId]),
            (rows) => rows.map(syncOf)
          )
        ),
      delete: (id) =>
        tx(
          "syncs.delete",
          Effect.gen(function*() {
            yield* run("DELETE FROM weft_fingerprints WHERE sync_id = ?", [id])
            yield* run("DELETE FROM weft_model_states WHERE sync_id = ?", [id])
            yield* run("DELETE FROM weft_syncs WHERE id = ?", [id])
          })
        ),
      modelState: (scope) =>
        op(
          "syncs.modelState",
          Effect.map(run(`SELECT * FROM weft_model_states WHERE ${scopeWhere}`, [scope.syncId, scope.model]), (rows) =>
            Option.map(Option.fromNullable(rows[0]), modelStateOf))
        )
    },
    fingerprints: {
      getMany: (scope, recordIds) =>
        op(
          "fingerprints.getMany",
          Effect.gen(function*() {
            const out = new Map<string, Rows.Fingerprint>()
            for (const chunk of chunks(recordIds, 1, d.maxParams - 2, pg ? 10_000 : 1_000)) {
              const rows = pg
                ? yield* run(
                  `SELECT record_id, hash, generation, inactive FROM weft_fingerprints WHERE ${scopeWhere} AND record_id = ANY(?)`,
                  [scope.syncId, scope.model, chunk]
                )
                : yield* run(
                  `SELECT record_id, hash, generation, inactive FROM weft_fingerprints WHERE ${scopeWhere} AND record_id IN (${marks(chunk.length)})`,
                  [scope.syncId, scope.model, ...chunk]
                )
              for (const r of rows) out.set(String(r.record_id), fingerprintOf(r))
            }
            // Callers read the map in the order they asked.
            if (out.size < 2) return out
            const ordered = new Map<string, Rows.Fingerprint>()
            for (const id of recordIds) {
              const found = out.get(id)
              if (found !== undefined) ordered.set(id, found)
            }
            return ordered
          })
        ),
      count: (scope) =>
        op(
          "fingerprints.count",
          Effect.map(
            run(`SELECT inactive, COUNT(*) AS n FROM weft_fingerprints WHERE ${scopeWhere} GROUP BY inactive`, [scope.syncId, scope.model]),
            countsBy
          )
        ),
      countStale: (scope, generation) =>
        op(
          "fingerprints.countStale",
          Effect.map(
            run(`SELECT inactive, COUNT(*) AS n FROM weft_fingerprints WHERE ${scopeWhere} AND generation < ? GROUP BY inactive`, [
              scope.syncId,
              scope.model,
              generation
            ]),
            countsBy
          )
        ),
      stale: (scope, generation, limit) =>
        op(
          "fingerprints.stale",
          Effect.gen(function*() {
            yield* validLimit(limit, "limit")
            const rows = yield* run(
              `SELECT record_id, hash, generation, inactive FROM weft_fingerprints WHERE ${scopeWhere} AND generation < ? LIMIT ?`,
              [scope.syncId, scope.model, generation, limit]
            )
            return rows.map((r) => ({ recordId: String(r.record_id), fingerprint: fingerprintOf(r) }))
          })
        )
    },
    runs: {
      create: (row) =>
        tx(
          "runs.create",
          Effect.gen(function*() {
            const inserted = yield* run(
              `INSERT INTO weft_runs (id, sync_id, destination_id, integration_id, connector, tenant, type, status, started_at, finished_at, warnings, errors)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id`,
              [
                row.id,
                row.syncId,
                optional(row.destinationId),
                row.integrationId,
                row.connector,
                row.tenant,
                row.type,
                row.status,
                row.startedAt,
                optional(row.finishedAt),
                json(row.warnings),
                json(row.errors)
              ]
            )
            if (inserted.length === 0) return yield* reject(`run "${row.id}" already exists; runs are created once`)
            yield* putAudits(row.id, Object.values(row.models))
          })
        ),
      get: (id) =>
        op(
          "runs.get",
          Effect.gen(function*() {
            const rows = yield* run("SELECT * FROM weft_runs WHERE id = ?", [id])
            if (rows.length === 0) return Option.none()
            const audits = yield* auditsOf([id])
            return Option.some(runOf(rows[0], audits.get(id)!))
          })
        ),
      list: (query) =>
        op(
          "runs.list",
          Effect.gen(function*() {
            const limit = yield* validLimit(query?.limit ?? DEFAULT_RUN_LIMIT, "limit")
            const where: Array<string> = []
            const params: Array<Param> = []
            if (query?.syncId !== undefined) {
              where.push("sync_id = ?")
              params.push(query.syncId)
            }
            if (query?.integrationId !== undefined) {
              where.push("integration_id = ?")
              params.push(query.integrationId)
            }
            if (query?.status !== undefined) {
              where.push("status = ?")
              params.push(query.status)
            }
            if (query?.before !== undefined) {
              // Older in the list's order; no such run, no row to compare with: nothing.
              where.push("(started_at, id) < (SELECT b.started_at, b.id FROM weft_runs b WHERE b.id = ?)")
              params.push(query.before)
            }
            params.push(limit)
            const rows = yield* run(
              `SELECT * FROM weft_runs ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY started_at DESC, id DESC LIMIT ?`,
              params
            )
            const audits = yield* auditsOf(rows.map((r) => String(r.id)))
            return rows.map((r) => runOf(r, audits.get(String(r.id))!))
          })
        ),
      close: (close) =>
        tx(
          "runs.close",
          Effect.gen(function*() {
            const id = close.run.id
            const rows = yield* run(
              `UPDATE weft_runs SET status = ?, finished_at = ?, warnings = ?, errors = ?, emission_closed = ${T}
WHERE id = ? AND emission_closed = ${F}
RETURNING sync_id, record_events, acked, dead_lettered, emission_closed, consumed_enqueued`,
              [close.run.status, optional(close.run.finishedAt), json(close.run.warnings), json(close.run.errors), id]
            )
            if (rows.length === 0) {
              const exists = yield* run("SELECT id FROM weft_runs WHERE id = ?", [id])
              return yield* reject(
                exists.length === 0
                  ? `cannot close run "${id}": no such run; create it with runs.create first`
                  : `run "${id}" is already closed; a run is closed once`
              )
            }
            const syncId = String(rows[0].sync_id)
            yield* run("DELETE FROM weft_run_models WHERE run_id = ?", [id])
            yield* putAudits(id, Object.values(close.run.models))
            yield* insertEntries([close.allEmitted])
            const initialCompletedAt = close.sync?.initialCompletedAt
            if (initialCompletedAt !== undefined) {
              const synced = yield* run("UPDATE weft_syncs SET initial_completed_at = ? WHERE id = ? RETURNING id", [
                initialCompletedAt,
                syncId
              ])
              if (synced.length === 0) {
                return yield* reject(
                  `run "${id}" belongs to sync "${syncId}", which does not exist; cannot set its initialCompletedAt`
                )
              }
            }
            return deliveryOf(rows[0])
          })
        ),
      enqueueConsumed: (entry) =>
        tx(
          "runs.enqueueConsumed",
          Effect.gen(function*() {
            // The compare-and-set: only one caller finds the run due and marks it.
            const marked = yield* run(
              `UPDATE weft_runs SET consumed_enqueued = ${T}
WHERE id = ? AND emission_closed = ${T} AND consumed_enqueued = ${F} AND acked + dead_lettered = record_events RETURNING id`,
              [entry.runId]
            )
            if (marked.length === 0) {
              const exists = yield* run("SELECT id FROM weft_runs WHERE id = ?", [entry.runId])
              if (exists.length === 0) {
                return yield* reject(`cannot enqueue the allConsumed of run "${entry.runId}": no such run; create it with runs.create first`)
              }
              return false
            }
            yield* insertEntries([entry])
            return true
          })
        ),
      consumptionDue: (limit) =>
        op(
          "runs.consumptionDue",
          Effect.gen(function*() {
            yield* validLimit(limit, "limit")
            const rows = yield* run(
              `SELECT id FROM weft_runs WHERE emission_closed = ${T} AND consumed_enqueued = ${F} AND acked + dead_lettered = record_events ORDER BY pos LIMIT ?`,
              [limit]
            )
            return rows.map((r) => String(r.id))
          })
        )
    },
    runLeases: {
      acquire: (lease) =>
        op(
          "runLeases.acquire",
          Effect.gen(function*() {
            yield* validTime(lease.now, "now")
            yield* validTime(lease.ttlMs, "ttlMs")
            const rows = yield* run(
              `INSERT INTO weft_run_leases (sync_id, holder, lease_until) VALUES (?, ?, ?)
ON CONFLICT (sync_id) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
WHERE weft_run_leases.holder = excluded.holder OR weft_run_leases.lease_until <= ?
RETURNING holder`,
              [lease.syncId, lease.holder, lease.now + lease.ttlMs, lease.now]
            )
            return rows.length > 0
          })
        ),
      release: (syncId, holder) =>
        op("runLeases.release", run("DELETE FROM weft_run_leases WHERE sync_id = ? AND holder = ?", [syncId, holder])).pipe(
          Effect.asVoid
        ),
      get: (syncId) =>
        op(
          "runLeases.get",
          Effect.map(run("SELECT sync_id, holder, lease_until FROM weft_run_leases WHERE sync_id = ?", [syncId]), (rows) =>
            Option.map(Option.fromNullable(rows[0]), (r): Rows.RunLease => ({
              syncId: String(r.sync_id),
              holder: String(r.holder),
              until: num(r.lease_until)
            })))
        )
    },
    commit: (page) =>
      tx(
        "commit",
        Effect.gen(function*() {
          const runId = page.run.runId
          // Validate everything the database would not reject by itself before writing anything.
          for (const upsert of page.upserts) {
            const { generation, hash } = upsert.fingerprint
            if (!(hash instanceof Uint8Array) || hash.length !== Fingerprint.HASH_BYTES) {
              return yield* reject(`fingerprint of record "${upsert.recordId}" must be a ${Fingerprint.HASH_BYTES}-byte hash`)
            }
            if (!Number.isInteger(generation) || generation < 0 || generation > MAX_GENERATION) {
              return yield* reject(
                `generation of record "${upsert.recordId}" must be an integer in 0..${MAX_GENERATION}, got ${generation}`
              )
            }
          }
          let recordEvents = 0
          for (const event of page.events) {
            if (!countsToRun(event)) continue
            if (event.runId !== runId) {
              return yield* reject(`record event "${event.id}" belongs to run "${event.runId}" but the page commits run "${runId}"`)
            }
            recordEvents++
          }
          const { model, syncId } = page.scope

          if (page.upserts.length > 0) {
            // Last occurrence wins (as in the reference); a fixed order keeps concurrent pages from deadlocking.
            const latest = new Map<string, Rows.Fingerprint>()
            for (const u of page.upserts) latest.set(u.recordId, u.fingerprint)
            const ids = [...latest.keys()].sort()
            for (const chunk of chunks(ids, 6, d.maxParams, 1_000)) {
              const params: Array<Param> = []
              for (const id of chunk) {
                const fp = latest.get(id)!
                params.push(syncId, model, id, fp.hash, fp.generation, d.bool(fp.inactive))
              }
              yield* run(
                `INSERT INTO weft_fingerprints (sync_id, model, record_id, hash, generation, inactive) VALUES ${tuples(chunk.length, 6)}
ON CONFLICT (sync_id, model, record_id) DO UPDATE SET hash = excluded.hash, generation = excluded.generation, inactive = excluded.inactive`,
                params
              )
            }
          }
          if (page.deletes.length > 0) {
            for (const chunk of chunks(page.deletes, 1, d.maxParams - 2, pg ? 10_000 : 1_000)) {
              if (pg) yield* run(`DELETE FROM weft_fingerprints WHERE ${scopeWhere} AND record_id = ANY(?)`, [syncId, model, chunk])
              else {
                yield* run(`DELETE FROM weft_fingerprints WHERE ${scopeWhere} AND record_id IN (${marks(chunk.length)})`, [
                  syncId,
                  model,
                  ...chunk
                ])
              }
            }
          }
          if (page.state !== undefined) {
            yield* run(
              `INSERT INTO weft_model_states (sync_id, model, cursor, generation, last_full_read_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (sync_id, model) DO UPDATE SET cursor = excluded.cursor, generation = excluded.generation, last_full_read_at = excluded.last_full_read_at`,
              [syncId, model, optional(page.state.cursor), page.state.generation, optional(page.state.lastFullReadAt)]
            )
          }
          yield* insertEntries(page.events)
          yield* putAudits(runId, [page.run.audit])
          // Last, so the run's row is locked for the shortest time; it also proves the run exists (and is open).
          const counted = yield* run(
            recordEvents > 0
              ? `UPDATE weft_runs SET record_events = record_events + ? WHERE id = ? AND emission_closed = ${F} RETURNING id`
              : "SELECT id FROM weft_runs WHERE id = ? AND 0 = ?",
            recordEvents > 0 ? [recordEvents, runId] : [runId, 0]
          )
          if (counted.length === 0) return yield* runProblem(runId, "commit a page to")
        })
      ),
    outbox: {
      claimDue: (options) =>
        op(
          "outbox.claimDue",
          Effect.gen(function*() {
            const now = yield* validTime(options.now, "now")
            const limit = yield* validLimit(options.limit, "limit")
            const leaseMs = yield* validTime(options.leaseMs, "leaseMs")
            if (leaseMs < 0) return yield* reject(`leaseMs must not be negative, got ${leaseMs}`)
            if (limit === 0) return []
            const token = yield* newToken
            const only = options.destinationId === undefined ? "" : "AND o.destination_id = ?"
            const due = `o.status = 'pending' AND o.next_attempt_at <= ? AND (o.lease_until IS NULL OR o.lease_until <= ?) ${only}
  AND ${destinationEnabled("o")} AND ${headOf("o")}`
            const dueParams: Array<Param> = [now, now]
            if (options.destinationId !== undefined) dueParams.push(options.destinationId)
            const rows = pg
              ? yield* run(
                `WITH picked AS (
  SELECT o.pos FROM weft_outbox o WHERE ${due}
  ORDER BY o.seq LIMIT ? FOR UPDATE OF o SKIP LOCKED
)
UPDATE weft_outbox t SET lease_until = ?, lease_token = ? FROM picked WHERE t.pos = picked.pos RETURNING t.*`,
                [...dueParams, limit, now + leaseMs, token]
              )
              : yield* run(
                `UPDATE weft_outbox SET lease_until = ?, lease_token = ?
WHERE pos IN (SELECT o.pos FROM weft_outbox o WHERE ${due} ORDER BY o.seq LIMIT ?) RETURNING *`,
                [now + leaseMs, token, ...dueParams, limit]
              )
            return [...rows].sort((a, b) => num(a.seq) - num(b.seq)).map(entryOf)
          })
        ),
      nextDueAt: (destinationId) =>
        op(
          "outbox.nextDueAt",
          Effect.map(
            // Unaliased, so the expression matches the index on it; the first head in due order is the answer.
            run(
              `SELECT ${DUE} AS due FROM weft_outbox
WHERE status = 'pending' AND destination_id = ? AND ${headOf("weft_outbox")}
  AND NOT EXISTS (SELECT 1 FROM weft_destinations dd WHERE dd.id = ? AND dd.enabled = ${F})
ORDER BY ${DUE} LIMIT 1`,
              [destinationId, destinationId]
            ),
            (rows) => (rows[0]?.due === null || rows[0]?.due === undefined ? Option.none() : Option.some(num(rows[0].due)))
          )
        ),
      pendingCount: (destinationId) =>
        op(
          "outbox.pendingCount",
          Effect.map(
            run("SELECT COUNT(*) AS n FROM weft_outbox WHERE destination_id = ? AND status = 'pending'", [destinationId]),
            (rows) => num(rows[0]?.n ?? 0)
          )
        ),
      settle: (id, leaseToken, settlement) => {
        const fence = "WHERE id = ? AND lease_token = ? AND status = 'pending'"
        switch (settlement._tag) {
          case "Released":
            return op(
              "outbox.settle",
              Effect.map(
                run(`UPDATE weft_outbox SET lease_until = NULL, lease_token = NULL ${fence} RETURNING id`, [id, leaseToken]),
                (rows) => (rows.length === 0 ? STALE : SETTLED)
              )
            )
          case "Retry":
          case "Acked":
          case "DeadLettered": {
            const bad = badReport(settlement.attempt)
            return bad === undefined ? settles.run({ id, leaseToken, settlement }) : op("outbox.settle", reject(bad))
          }
        }
      },
      attempts: (id) =>
        op(
          "outbox.attempts",
          Effect.map(run("SELECT * FROM weft_attempts WHERE event_id = ? ORDER BY n", [id]), (rows) => rows.map(attemptOf))
        ),
      payload: (id) =>
        op(
          "outbox.payload",
          Effect.map(run("SELECT sealed FROM weft_payloads WHERE id = ?", [id]), (rows) =>
            rows.length === 0 ? Option.none() : Option.some(bytesView(rows[0].sealed)))
        ),
      get: (id) =>
        op(
          "outbox.get",
          Effect.map(run("SELECT * FROM weft_outbox WHERE id = ?", [id]), (rows) => Option.map(Option.fromNullable(rows[0]), entryOf))
        ),
      list: (query) =>
        op(
          "outbox.list",
          Effect.gen(function*() {
            const limit = yield* validLimit(query.limit ?? DEFAULT_OUTBOX_LIMIT, "limit")
            if (limit === 0) return []
            const where: Array<string> = []
            const params: Array<Param> = []
            const filter = (clause: string, value: Param | undefined) => {
              if (value === undefined) return
              where.push(clause)
              params.push(value)
            }
            filter("run_id = ?", query.runId)
            filter("sync_id = ?", query.syncId)
            filter("status = ?", query.status)
            filter("type = ?", query.type)
            filter("created_at >= ?", query.from)
            filter("created_at < ?", query.to)
            filter("pos > (SELECT a.pos FROM weft_outbox a WHERE a.id = ?)", query.after)
            params.push(limit)
            const rows = yield* run(
              `SELECT * FROM weft_outbox ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY pos LIMIT ?`,
              params
            )
            return rows.map(entryOf)
          })
        ),
      requeue: (ids, now) =>
        tx(
          "outbox.requeue",
          Effect.gen(function*() {
            yield* validTime(now, "now")
            const unique = [...new Set(ids)]
            if (unique.length === 0) return []
            const requeued = new Set<string>()
            // New queue positions, in the order given: each goes to the back of its ordering key.
            let positions: Array<number>
            if (pg) {
              const rows = yield* run("SELECT nextval('weft_outbox_seq') AS s FROM generate_series(1, ?::int)", [unique.length])
              positions = rows.map((r) => num(r.s)).sort((a, b) => a - b)
            } else {
              const base = num((yield* run(MAX_PENDING_SEQ))[0]?.s)
              positions = unique.map((_, i) => base + i + 1)
            }
            let at = 0
            for (const chunk of chunks(unique, 2, d.maxParams - 1, 500)) {
              const params: Array<Param> = [now]
              for (const id of chunk) params.push(id, positions[at++])
              const values = pg
                ? `(VALUES ${Array.from({ length: chunk.length }, () => "(?::text, ?::bigint)").join(", ")}) AS v(id, seq)`
                : `(SELECT column1 AS id, column2 AS seq FROM (VALUES ${tuples(chunk.length, 2)})) AS v`
              const rows = yield* run(
                `UPDATE weft_outbox SET status = 'pending', next_attempt_at = ?, attempts = 0, replay = ${T}, first_attempt_at = NULL,
  lease_until = NULL, lease_token = NULL, settled_at = NULL, seq = v.seq
FROM ${values}
WHERE weft_outbox.id = v.id AND weft_outbox.status <> 'pending' AND weft_outbox.payload_id IS NOT NULL
RETURNING weft_outbox.id`,
                params
              )
              for (const r of rows) requeued.add(String(r.id))
            }
            return unique.filter((id) => requeued.has(id))
          })
        ),
      enqueue: (entries) =>
        tx(
          "outbox.enqueue",
          Effect.gen(function*() {
            const perRun = new Map<string, number>()
            for (const e of entries) if (countsToRun(e)) perRun.set(e.runId, (perRun.get(e.runId) ?? 0) + 1)
            yield* insertEntries(entries)
            for (const [runId, n] of perRun) {
              const rows = yield* run(
                `UPDATE weft_runs SET record_events = record_events + ? WHERE id = ? AND emission_closed = ${F} RETURNING id`,
                [n, runId]
              )
              if (rows.length === 0) {
                const exists = yield* run("SELECT id FROM weft_runs WHERE id = ?", [runId])
                const first = entries.find((e) => e.runId === runId && countsToRun(e))
                return yield* reject(
                  exists.length === 0
                    ? `cannot enqueue a record event of run "${runId}": no such run; create it with runs.create first`
                    : `run "${runId}" is closed; enqueue event "${first?.id}" with replay: true to deliver it again`
                )
              }
            }
          })
        ),
      purge: (settledBefore) =>
        tx(
          "outbox.purge",
          Effect.gen(function*() {
            yield* validTime(settledBefore, "settledBefore")
            // The purged entries' attempts first, while the entries still say which they are.
            yield* run(
              `DELETE FROM weft_attempts WHERE event_id IN
  (SELECT id FROM weft_outbox WHERE status <> 'pending' AND settled_at < ? AND attempt_log > 0)`,
              [settledBefore]
            )
            const gone = yield* run("DELETE FROM weft_outbox WHERE status <> 'pending' AND settled_at < ? RETURNING payload_id", [settledBefore])
            // The purged entries' holds go with them, in the same transaction.
            const holds = new Map<string, number>()
            for (const r of gone) {
              if (r.payload_id === null || r.payload_id === undefined) continue
              const id = String(r.payload_id)
              holds.set(id, (holds.get(id) ?? 0) + 1)
            }
            yield* releasePayloads(holds)
            return gone.length
          })
        )
    }
  })
}
