import { Fingerprint } from "@weft/core/ground"
import { Rows } from "@weft/core/store"
import { reject } from "./attempt.js"
import { clonePlain, type Mutable } from "./copy.js"
import { MAX_GENERATION, Scopes } from "./fingerprints.js"
import { attemptsOf, type Entry, Outbox } from "./outbox.js"
import { Tables } from "./tables.js"

/** A run as kept: its row (whose `delivery` is ignored) and the store-owned counters. */
interface RunRecord {
  row: Rows.RunRow
  readonly delivery: Mutable<Rows.RunDelivery>
}

const SETTLED: Rows.SettleResult = { _tag: "Settled" }
const STALE: Rows.SettleResult = { _tag: "Stale" }

const DEFAULT_OUTBOX_LIMIT = 1000
const DEFAULT_RUN_LIMIT = 100

/** Orders runs by `startedAt`, then id. */
const olderFirst = (a: RunRecord, b: RunRecord): number =>
  a.row.startedAt - b.row.startedAt || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0)

const countsToRun = (row: Rows.OutboxEntry): boolean => row.kind === "record" && row.replay !== true

const validLimit = (limit: number, what: string): number => {
  if (!Number.isInteger(limit) || limit < 0) reject(`${what} must be a non-negative integer, got ${limit}`)
  return limit
}

const validTime = (time: number, what: string): number => {
  if (!Number.isFinite(time)) reject(`${what} must be a finite number of milliseconds, got ${time}`)
  return time
}

/** Rejects a malformed attempt report before the settle that brings it changes anything. */
const checkReport = (report: Rows.AttemptReport): void => {
  if (typeof report !== "object" || report === null) reject("an attempt report must be an object")
  validTime(report.at, "attempt.at")
  if (!Number.isFinite(report.durationMs) || report.durationMs < 0) {
    reject(`attempt.durationMs must be a finite, non-negative number of milliseconds, got ${report.durationMs}`)
  }
  if (report.statusCode !== undefined && !Number.isInteger(report.statusCode)) reject(`attempt.statusCode must be an integer, got ${report.statusCode}`)
  if (report.error !== undefined && typeof report.error !== "string") reject("attempt.error must be a string")
}

/**
 * Everything the memory store keeps, with one method per store operation.
 * Each method runs as one synchronous step and validates everything before
 * it mutates anything, so a rejected operation changes nothing.
 *
 * @internal
 */
export class MemoryState {
  readonly scopes = new Scopes()
  readonly tables = new Tables(this.scopes)
  readonly outbox = new Outbox()
  private readonly runs = new Map<string, RunRecord>()
  /** Runs of each sync in creation order: `runs.list({ syncId })` is the common query. */
  private readonly runsBySync = new Map<string, Array<RunRecord>>()
  private readonly leases = new Map<string, Rows.RunLease>()

  // --- fingerprints -------------------------------------------------------

  getFingerprints(scope: Rows.FingerprintScope, recordIds: ReadonlyArray<string>): Map<string, Rows.Fingerprint> {
    const out = new Map<string, Rows.Fingerprint>()
    const table = this.scopes.table(scope)
    if (table === undefined) return out
    for (let i = 0; i < recordIds.length; i++) {
      const found = table.get(recordIds[i])
      if (found !== undefined) out.set(recordIds[i], found)
    }
    return out
  }

  countFingerprints(scope: Rows.FingerprintScope): Rows.FingerprintCounts {
    const table = this.scopes.table(scope)
    return table === undefined ? { active: 0, inactive: 0 } : { active: table.active, inactive: table.inactive }
  }

  countStale(scope: Rows.FingerprintScope, generation: number): Rows.FingerprintCounts {
    return this.scopes.table(scope)?.countStale(generation) ?? { active: 0, inactive: 0 }
  }

  stale(scope: Rows.FingerprintScope, generation: number, limit: number) {
    validLimit(limit, "limit")
    return this.scopes.table(scope)?.stale(generation, limit) ?? []
  }

  modelState(scope: Rows.FingerprintScope): Rows.ModelState | undefined {
    const state = this.scopes.state(scope)
    return state === undefined ? undefined : clonePlain(state)
  }

  // --- runs ---------------------------------------------------------------

  createRun(run: Rows.RunRow): void {
    if (this.runs.has(run.id)) reject(`run "${run.id}" already exists; runs are created once`)
    const record: RunRecord = { row: clonePlain(run), delivery: { ...Rows.emptyDelivery } }
    this.runs.set(run.id, record)
    const ofSync = this.runsBySync.get(run.syncId)
    if (ofSync === undefined) this.runsBySync.set(run.syncId, [record])
    else ofSync.push(record)
  }

  getRun(id: string): Rows.RunRow | undefined {
    const run = this.runs.get(id)
    return run === undefined ? undefined : this.snapshot(run)
  }

  listRuns(query: Rows.RunQuery): Array<Rows.RunRow> {
    const limit = validLimit(query.limit ?? DEFAULT_RUN_LIMIT, "limit")
    // Paging: only runs older than the cursor's, in list order; a cursor that is no run gives none.
    const before = query.before === undefined ? undefined : this.runs.get(query.before)
    if (query.before !== undefined && before === undefined) return []
    const source = query.syncId !== undefined ? (this.runsBySync.get(query.syncId) ?? []) : this.runs.values()
    const matching: Array<RunRecord> = []
    for (const run of source) {
      if (query.integrationId !== undefined && run.row.integrationId !== query.integrationId) continue
      if (query.status !== undefined && run.row.status !== query.status) continue
      if (before !== undefined && olderFirst(run, before) >= 0) continue
      matching.push(run)
    }
    // Runs are mostly created in start order: then reading backwards is newest first, no sort needed.
    let ordered = true
    for (let i = 1; i < matching.length && ordered; i++) ordered = olderFirst(matching[i - 1], matching[i]) <= 0
    if (!ordered) matching.sort(olderFirst)
    const out: Array<Rows.RunRow> = []
    for (let i = matching.length - 1; i >= 0 && out.length < limit; i--) out.push(this.snapshot(matching[i]))
    return out
  }

  closeRun(close: Rows.RunClose): Rows.RunDelivery {
    const run = this.existingRun(close.run.id, "close")
    if (run.delivery.emissionClosed) reject(`run "${close.run.id}" is already closed; a run is closed once`)
    this.checkNewIds([close.allEmitted])
    this.checkPayloads([close.allEmitted])
    const syncId = run.row.syncId
    const initialCompletedAt = close.sync?.initialCompletedAt
    const sync = initialCompletedAt === undefined ? undefined : this.tables.syncs.get(syncId)
    if (initialCompletedAt !== undefined && sync === undefined) {
      reject(`run "${close.run.id}" belongs to sync "${syncId}", which does not exist; cannot set its initialCompletedAt`)
    }
    // Everything validated: apply.
    run.row = {
      ...run.row,
      status: close.run.status,
      finishedAt: close.run.finishedAt,
      warnings: clonePlain(close.run.warnings),
      errors: clonePlain(close.run.errors),
      models: clonePlain(close.run.models)
    }
    this.outbox.insertAll([close.allEmitted])
    run.delivery.emissionClosed = true
    if (sync !== undefined) this.tables.syncs.set(syncId, { ...sync, initialCompletedAt })
    return { ...run.delivery }
  }

  enqueueConsumed(entry: Rows.OutboxEntry): boolean {
    const run = this.existingRun(entry.runId, "enqueue the allConsumed of")
    if (!Rows.consumptionDue(run.delivery)) return false
    this.checkNewIds([entry])
    this.checkPayloads([entry])
    this.outbox.insertAll([entry])
    run.delivery.consumedEnqueued = true
    return true
  }

  consumptionDue(limit: number): Array<string> {
    validLimit(limit, "limit")
    const out: Array<string> = []
    for (const [id, run] of this.runs) {
      if (out.length >= limit) break
      if (Rows.consumptionDue(run.delivery)) out.push(id)
    }
    return out
  }

  // --- run leases ---------------------------------------------------------

  acquireLease(lease: { readonly syncId: string; readonly holder: string; readonly now: number; readonly ttlMs: number }): boolean {
    validTime(lease.now, "now")
    validTime(lease.ttlMs, "ttlMs")
    const held = this.leases.get(lease.syncId)
    if (held !== undefined && held.holder !== lease.holder && held.until > lease.now) return false
    this.leases.set(lease.syncId, { syncId: lease.syncId, holder: lease.holder, until: lease.now + lease.ttlMs })
    return true
  }

  releaseLease(syncId: string, holder: string): void {
    if (this.leases.get(syncId)?.holder === holder) this.leases.delete(syncId)
  }

  getLease(syncId: string): Rows.RunLease | undefined {
    const held = this.leases.get(syncId)
    return held === undefined ? undefined : { ...held }
  }

  // --- page commit --------------------------------------------------------

  commit(page: Rows.PageCommit): void {
    const run = this.existingRun(page.run.runId, "commit a page to")
    for (const upsert of page.upserts) {
      const { hash, generation } = upsert.fingerprint
      if (!(hash instanceof Uint8Array) || hash.length !== Fingerprint.HASH_BYTES) {
        reject(`fingerprint of record "${upsert.recordId}" must be a ${Fingerprint.HASH_BYTES}-byte hash`)
      }
      if (!Number.isInteger(generation) || generation < 0 || generation > MAX_GENERATION) {
        reject(`generation of record "${upsert.recordId}" must be an integer in 0..${MAX_GENERATION}, got ${generation}`)
      }
    }
    const recordEvents = this.checkEvents(page.events, page.run.runId)
    const audit = clonePlain(page.run.audit)
    const state = page.state === undefined ? undefined : clonePlain(page.state)
    // Everything validated: apply, in the documented order.
    if (page.upserts.length > 0) {
      const table = this.scopes.tableOrCreate(page.scope)
      for (let i = 0; i < page.upserts.length; i++) table.upsert(page.upserts[i].recordId, page.upserts[i].fingerprint)
    }
    if (page.deletes.length > 0) {
      const table = this.scopes.table(page.scope)
      if (table !== undefined) for (let i = 0; i < page.deletes.length; i++) table.delete(page.deletes[i])
    }
    if (state !== undefined) this.scopes.setState(page.scope, state)
    this.outbox.insertAll(page.events)
    run.delivery.recordEvents += recordEvents
    run.row = { ...run.row, models: { ...run.row.models, [audit.model]: audit } }
  }

  // --- outbox -------------------------------------------------------------

  claimDue(options: {
    readonly now: number
    readonly limit: number
    readonly leaseMs: number
    readonly destinationId?: string | undefined
  }): Array<Rows.OutboxEntry> {
    const now = validTime(options.now, "now")
    const limit = validLimit(options.limit, "limit")
    const leaseMs = validTime(options.leaseMs, "leaseMs")
    if (leaseMs < 0) reject(`leaseMs must not be negative, got ${leaseMs}`)
    return this.outbox.claim(now, limit, leaseMs, options.destinationId, this.tables.isEnabled).map(rowOf)
  }

  pendingCount(destinationId: string): number {
    return this.outbox.pendingCount(destinationId)
  }

  nextDueAt(destinationId: string): number | undefined {
    return this.tables.isEnabled(destinationId) ? this.outbox.nextDueAt(destinationId) : undefined
  }

  settle(id: string, leaseToken: string, settlement: Rows.Settlement): Rows.SettleResult {
    if (settlement._tag !== "Released" && settlement.attempt !== undefined) checkReport(settlement.attempt)
    const entry = this.outbox.get(id)
    // Gone, settled, or claimed again since: the caller's lease is stale and changes nothing.
    if (entry === undefined || entry.row.status !== "pending" || entry.row.leaseToken !== leaseToken) return STALE
    if (settlement._tag === "Released") {
      this.outbox.release(entry)
      return SETTLED
    }
    if (settlement._tag === "Retry") {
      this.outbox.retry(entry, settlement)
      return SETTLED
    }
    const run = countsToRun(entry.row) ? this.existingRun(entry.row.runId, "count a settled event to") : undefined
    // Everything validated: apply.
    if (settlement._tag === "Acked") this.outbox.acked(entry, settlement)
    else this.outbox.dead(entry, settlement)
    if (run === undefined) return SETTLED
    if (settlement._tag === "Acked") run.delivery.acked++
    else run.delivery.deadLettered++
    return Rows.consumptionDue(run.delivery) ? { _tag: "Settled", consumptionDue: run.row.id } : SETTLED
  }

  payload(id: string): Uint8Array | undefined {
    return this.outbox.payload(id)
  }

  attempts(id: string): Array<Rows.DeliveryAttempt> {
    const entry = this.outbox.get(id)
    if (entry === undefined) return []
    const out: Array<Rows.DeliveryAttempt> = []
    for (const attempt of attemptsOf(entry)) {
      const copy: Mutable<Rows.DeliveryAttempt> = { at: attempt.at, durationMs: attempt.durationMs, outcome: attempt.outcome }
      if (attempt.statusCode !== undefined) copy.statusCode = attempt.statusCode
      if (attempt.error !== undefined) copy.error = attempt.error
      out.push(copy)
    }
    return out
  }

  getEntry(id: string): Rows.OutboxEntry | undefined {
    const entry = this.outbox.get(id)
    return entry === undefined ? undefined : rowOf(entry)
  }

  listEntries(query: Rows.OutboxQuery): Array<Rows.OutboxEntry> {
    const limit = validLimit(query.limit ?? DEFAULT_OUTBOX_LIMIT, "limit")
    return this.outbox.list(query, limit).map(rowOf)
  }

  requeue(ids: ReadonlyArray<string>, now: number): Array<string> {
    validTime(now, "now")
    const requeued: Array<string> = []
    const seen = new Set<string>()
    for (const id of ids) {
      if (seen.has(id)) continue
      seen.add(id)
      const entry = this.outbox.get(id)
      if (entry === undefined || entry.row.payload === null || entry.row.status === "pending") continue
      this.outbox.requeue(entry, now)
      requeued.push(id)
    }
    return requeued
  }

  purge(settledBefore: number): number {
    validTime(settledBefore, "settledBefore")
    return this.outbox.purge(settledBefore)
  }

  enqueue(entries: ReadonlyArray<Rows.OutboxEntry>): void {
    this.checkNewIds(entries)
    this.checkPayloads(entries)
    const perRun = new Map<string, number>()
    for (const row of entries) {
      if (!countsToRun(row)) continue
      const run = this.existingRun(row.runId, "enqueue a record event of")
      if (run.delivery.emissionClosed) {
        reject(`run "${row.runId}" is closed; enqueue event "${row.id}" with replay: true to deliver it again`)
      }
      perRun.set(row.runId, (perRun.get(row.runId) ?? 0) + 1)
    }
    this.outbox.insertAll(entries)
    for (const [runId, n] of perRun) this.existingRun(runId, "count").delivery.recordEvents += n
  }

  // --- helpers ------------------------------------------------------------

  private existingRun(id: string, doing: string): RunRecord {
    const run = this.runs.get(id)
    if (run === undefined) return reject(`cannot ${doing} run "${id}": no such run; create it with runs.create first`)
    return run
  }

  private snapshot(run: RunRecord): Rows.RunRow {
    return clonePlain({ ...run.row, delivery: run.delivery })
  }

  /** Rejects entries whose id is already in the outbox or repeated in the batch. */
  private checkNewIds(entries: ReadonlyArray<Rows.OutboxEntry>, taken: ReadonlyArray<string> = []): void {
    const ids = new Set<string>(taken)
    for (const entry of entries) {
      if (ids.has(entry.id) || this.outbox.has(entry.id)) {
        reject(`outbox entry id "${entry.id}" is already used; every event needs a unique id`)
      }
      ids.add(entry.id)
    }
  }

  /**
   * Rejects entries whose payload reference is malformed, or whose payload
   * is neither kept already nor brought (`sealed`) by an entry of the batch.
   */
  private checkPayloads(entries: ReadonlyArray<Rows.OutboxEntry>): void {
    let brought: Set<string> | undefined
    for (const entry of entries) {
      const ref = entry.payload
      if (ref === null) continue
      if (typeof ref.id !== "string" || ref.id === "") reject(`outbox entry "${entry.id}" refers to a payload without an id`)
      if (!Number.isInteger(ref.offset) || ref.offset < 0 || !Number.isInteger(ref.length) || ref.length < 0) {
        reject(`outbox entry "${entry.id}" refers to bytes ${ref.offset}+${ref.length} of its payload; both must be non-negative integers`)
      }
      if (ref.sealed !== undefined) {
        if (!(ref.sealed instanceof Uint8Array)) reject(`outbox entry "${entry.id}" brings a payload that is not bytes`)
        ;(brought ??= new Set()).add(ref.id)
      }
    }
    for (const entry of entries) {
      const ref = entry.payload
      if (ref === null || ref.sealed !== undefined || brought?.has(ref.id) === true || this.outbox.holds(ref.id)) continue
      reject(`outbox entry "${entry.id}" refers to payload "${ref.id}", which the store does not hold and the write does not bring`)
    }
  }

  /** Validates a page's events and returns how many count towards the run's delivery. */
  private checkEvents(events: ReadonlyArray<Rows.OutboxEntry>, runId: string): number {
    this.checkNewIds(events)
    this.checkPayloads(events)
    let counted = 0
    for (const event of events) {
      if (!countsToRun(event)) continue
      if (event.runId !== runId) {
        reject(`record event "${event.id}" belongs to run "${event.runId}" but the page commits run "${runId}"`)
      }
      counted++
    }
    if (counted > 0 && this.runs.get(runId)?.delivery.emissionClosed === true) {
      reject(`run "${runId}" is closed (allEmitted is out); it takes no more record events`)
    }
    return counted
  }

}

/** A snapshot of an entry; its payload reference is frozen, so it is shared. */
const rowOf = (entry: Entry): Rows.OutboxEntry => ({ ...entry.row })
