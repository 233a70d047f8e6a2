import { Rows } from "@weft/core/store"
import { copyEntry, type Mutable } from "./copy.js"
import { MinHeap } from "./heap.js"

const NOWHERE = 0
const WAITING = 1
const READY = 2

/**
 * One outbox entry as kept: the row (mutable, never handed out) plus its
 * position in the ordering and scheduling indexes.
 *
 * @internal
 */
export interface Entry {
  readonly row: Mutable<Rows.OutboxEntry>
  /**
   * The attempts settles reported: none until the first, then that one alone
   * (most events take one attempt), then an array, oldest first.
   */
  log: Rows.DeliveryAttempt | Array<Rows.DeliveryAttempt> | undefined
  /** Queue position: insertion order, renewed when the entry is requeued. */
  seq: number
  /** Bumped on every (re)placement in a lane; older heap nodes are stale. */
  version: number
  loc: typeof NOWHERE | typeof WAITING | typeof READY
}

interface Node {
  readonly entry: Entry
  readonly version: number
  readonly k1: number
  readonly k2: number
}

/**
 * The heads of one destination's ordering keys. `waiting` holds heads by
 * (due time, seq); a claim moves those due by its `now` into `ready`
 * (by seq, to hand out the oldest first) and `readyDue` (the same set by due
 * time, for `nextDueAt`). Every move pushes new nodes and bumps the entry's
 * version, so old nodes are skipped when they surface.
 */
interface Lane {
  readonly waiting: MinHeap<Node>
  readonly ready: MinHeap<Node>
  readonly readyDue: MinHeap<Node>
  waitingLive: number
  readyLive: number
}

/** A sealed payload as kept: the bytes as given (immutable by contract) and how many entries hold it. */
interface Held {
  readonly sealed: Uint8Array
  holders: number
}

/** FIFO of the pending entries of one ordering key, oldest first. */
interface KeyQueue {
  items: Array<Entry>
  head: number
}

const dueOf = (entry: Entry): number => Math.max(entry.row.nextAttemptAt, entry.row.leaseUntil ?? 0)

const isLive = (node: Node): boolean => node.version === node.entry.version

const peekLive = (heap: MinHeap<Node>): Node | undefined => {
  let top = heap.peek()
  while (top !== undefined && !isLive(top)) {
    heap.pop()
    top = heap.peek()
  }
  return top
}

/** Rebuild a heap once stale nodes outnumber live ones, so memory stays O(live). */
const maybeCompact = (heap: MinHeap<Node>, live: number): void => {
  if (heap.size > 2 * live + 64) heap.compact(isLive)
}

/** Appends a copy of a reported attempt to the entry's log, dropping the oldest past the cap. */
const logAttempt = (entry: Entry, report: Rows.AttemptReport, outcome: Rows.AttemptOutcome): void => {
  const attempt: Rows.DeliveryAttempt = {
    at: report.at,
    durationMs: report.durationMs,
    statusCode: report.statusCode,
    error: report.error,
    outcome
  }
  const log = entry.log
  if (log === undefined) entry.log = attempt
  else if (!Array.isArray(log)) entry.log = [log, attempt]
  else if (log.push(attempt) > Rows.ATTEMPTS_KEPT) log.shift()
}

/** An entry's attempts, oldest first. @internal */
export const attemptsOf = (entry: Entry): ReadonlyArray<Rows.DeliveryAttempt> =>
  entry.log === undefined ? [] : Array.isArray(entry.log) ? entry.log : [entry.log]

/**
 * The outbox: entries in insertion order, per-key FIFOs of pending entries,
 * and per-destination indexes of the FIFO heads, so that claiming is
 * O(limit · log n) however many entries wait.
 *
 * @internal
 */
export class Outbox {
  private readonly byId = new Map<string, Entry>()
  private readonly byRun = new Map<string, Array<Entry>>()
  private readonly keys = new Map<string, KeyQueue>()
  private readonly lanes = new Map<string, Lane>()
  private readonly pendingByDestination = new Map<string, number>()
  private readonly payloads = new Map<string, Held>()
  private nextSeq = 0
  private nextToken = 0

  /** Entries of the destination not yet acked or dead-lettered. */
  pendingCount(destinationId: string): number {
    return this.pendingByDestination.get(destinationId) ?? 0
  }

  private countPending(destinationId: string, delta: number): void {
    const next = (this.pendingByDestination.get(destinationId) ?? 0) + delta
    if (next === 0) this.pendingByDestination.delete(destinationId)
    else this.pendingByDestination.set(destinationId, next)
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  get(id: string): Entry | undefined {
    return this.byId.get(id)
  }

  /** The sealed bytes of a payload some entry holds. */
  payload(id: string): Uint8Array | undefined {
    return this.payloads.get(id)?.sealed
  }

  /** Whether the payload is kept (some entry holds it). */
  holds(id: string): boolean {
    return this.payloads.has(id)
  }

  /** Payloads and how many entries hold each (for checks). */
  payloadHolders(): Map<string, number> {
    const out = new Map<string, number>()
    for (const [id, held] of this.payloads) out.set(id, held.holders)
    return out
  }

  /**
   * Appends copies of `rows`, in order (see {@link insert}). The payloads
   * they bring and the store does not keep yet are kept first, once each.
   * Callers check first that every payload is kept or brought.
   */
  insertAll(rows: ReadonlyArray<Rows.OutboxEntry>): void {
    for (let i = 0; i < rows.length; i++) {
      const ref = rows[i].payload
      if (ref !== null && ref.sealed !== undefined && !this.payloads.has(ref.id)) {
        this.payloads.set(ref.id, { sealed: ref.sealed, holders: 0 })
      }
    }
    for (let i = 0; i < rows.length; i++) this.insert(rows[i])
  }

  /** Appends a copy of `row` at the back of its ordering key's queue; it holds its (kept) payload. */
  private insert(row: Rows.OutboxEntry): void {
    if (row.payload !== null) this.payloads.get(row.payload.id)!.holders++
    const entry: Entry = { row: copyEntry(row), log: undefined, seq: this.nextSeq++, version: 0, loc: NOWHERE }
    this.byId.set(row.id, entry)
    const ofRun = this.byRun.get(row.runId)
    if (ofRun === undefined) this.byRun.set(row.runId, [entry])
    else ofRun.push(entry)
    if (row.status === "pending") {
      this.enqueueKey(entry)
      this.countPending(row.destinationId, 1)
    }
  }

  /** Leases up to `limit` claimable entries, oldest (by seq) first. */
  claim(
    now: number,
    limit: number,
    leaseMs: number,
    destinationId: string | undefined,
    isEnabled: (destinationId: string) => boolean
  ): Array<Entry> {
    const lanes: Array<Lane> = []
    for (const [id, lane] of this.lanes) {
      if ((destinationId === undefined || id === destinationId) && isEnabled(id)) lanes.push(lane)
    }
    for (const lane of lanes) this.promote(lane, now)
    const claimed: Array<Entry> = []
    while (claimed.length < limit) {
      let best: Node | undefined
      for (const lane of lanes) {
        const top = this.peekReady(lane, now)
        if (top !== undefined && (best === undefined || top.k1 < best.k1)) best = top
      }
      if (best === undefined) break
      best.entry.row.leaseUntil = now + leaseMs
      best.entry.row.leaseToken = `lease_${++this.nextToken}`
      this.schedule(best.entry)
      claimed.push(best.entry)
    }
    return claimed
  }

  /** The earliest due time among the destination's key heads. */
  nextDueAt(destinationId: string): number | undefined {
    const lane = this.lanes.get(destinationId)
    if (lane === undefined) return undefined
    const waiting = peekLive(lane.waiting)
    const ready = peekLive(lane.readyDue)
    if (waiting === undefined) return ready?.k1
    if (ready === undefined) return waiting.k1
    return Math.min(waiting.k1, ready.k1)
  }

  /** Gives the lease back: the entry is due again at its `nextAttemptAt`. */
  release(entry: Entry): void {
    entry.row.leaseUntil = undefined
    entry.row.leaseToken = undefined
    if (entry.loc !== NOWHERE) this.schedule(entry)
  }

  retry(entry: Entry, settlement: Extract<Rows.Settlement, { _tag: "Retry" }>): void {
    if (settlement.attempt !== undefined) logAttempt(entry, settlement.attempt, "retry")
    const row = entry.row
    row.attempts = settlement.attempts
    row.firstAttemptAt = settlement.firstAttemptAt
    row.nextAttemptAt = settlement.nextAttemptAt
    row.lastError = settlement.error
    row.leaseUntil = undefined
    row.leaseToken = undefined
    if (entry.loc !== NOWHERE) this.schedule(entry)
  }

  acked(entry: Entry, settlement: Extract<Rows.Settlement, { _tag: "Acked" }>): void {
    if (settlement.attempt !== undefined) logAttempt(entry, settlement.attempt, "acked")
    this.dequeueKey(entry)
    if (entry.row.status === "pending") this.countPending(entry.row.destinationId, -1)
    const row = entry.row
    row.status = "acked"
    if (Rows.carriesRecordData(row.type) && row.payload !== null) {
      this.releaseHold(row.payload.id)
      row.payload = null
    }
    row.settledAt = settlement.at
    row.attempts = settlement.attempts
    row.firstAttemptAt = settlement.firstAttemptAt
    row.leaseUntil = undefined
    row.leaseToken = undefined
  }

  dead(entry: Entry, settlement: Extract<Rows.Settlement, { _tag: "DeadLettered" }>): void {
    if (settlement.attempt !== undefined) logAttempt(entry, settlement.attempt, "dead")
    this.dequeueKey(entry)
    if (entry.row.status === "pending") this.countPending(entry.row.destinationId, -1)
    const row = entry.row
    row.status = "dead"
    row.settledAt = settlement.at
    row.attempts = settlement.attempts
    row.lastError = settlement.error
    if (settlement.firstAttemptAt !== undefined) row.firstAttemptAt = settlement.firstAttemptAt
    row.leaseUntil = undefined
    row.leaseToken = undefined
  }

  /** Makes an entry that still has its payload pending again, as a replay at the back of its key. */
  requeue(entry: Entry, now: number): void {
    if (entry.row.status === "pending") this.dequeueKey(entry)
    else this.countPending(entry.row.destinationId, 1)
    const row = entry.row
    row.status = "pending"
    row.nextAttemptAt = now
    row.attempts = 0
    row.replay = true
    row.firstAttemptAt = undefined
    row.leaseUntil = undefined
    row.leaseToken = undefined
    row.settledAt = undefined
    entry.seq = this.nextSeq++
    this.enqueueKey(entry)
  }

  /** Removes settled entries settled before `before`; pending ones stay. */
  purge(before: number): number {
    let removed = 0
    for (const [id, entry] of this.byId) {
      const row = entry.row
      if (row.status === "pending" || row.settledAt === undefined || row.settledAt >= before) continue
      this.byId.delete(id)
      if (row.payload !== null) this.releaseHold(row.payload.id)
      removed++
    }
    if (removed > 0) {
      for (const [runId, entries] of this.byRun) {
        const kept = entries.filter((e) => this.byId.get(e.row.id) === e)
        if (kept.length === 0) this.byRun.delete(runId)
        else if (kept.length !== entries.length) this.byRun.set(runId, kept)
      }
    }
    return removed
  }

  list(query: Rows.OutboxQuery, limit: number): Array<Entry> {
    const out: Array<Entry> = []
    if (limit <= 0) return out
    const source: Iterable<Entry> = query.runId !== undefined ? (this.byRun.get(query.runId) ?? []) : this.byId.values()
    // Insertion order is the order of `byId` / `byRun`; `after` skips up to and including that entry.
    let skipping = query.after !== undefined
    for (const entry of source) {
      const row = entry.row
      if (skipping) {
        if (row.id === query.after) skipping = false
        continue
      }
      if (query.type !== undefined && row.type !== query.type) continue
      if (query.syncId !== undefined && row.syncId !== query.syncId) continue
      if (query.status !== undefined && row.status !== query.status) continue
      if (query.from !== undefined && row.createdAt < query.from) continue
      if (query.to !== undefined && row.createdAt >= query.to) continue
      out.push(entry)
      if (out.length === limit) break
    }
    return out
  }

  /** One entry gave its hold up; the last one takes the payload with it. */
  private releaseHold(id: string): void {
    const held = this.payloads.get(id)
    if (held === undefined) return
    if (--held.holders === 0) this.payloads.delete(id)
  }

  private lane(destinationId: string): Lane {
    let lane = this.lanes.get(destinationId)
    if (lane === undefined) {
      lane = { waiting: new MinHeap(), ready: new MinHeap(), readyDue: new MinHeap(), waitingLive: 0, readyLive: 0 }
      this.lanes.set(destinationId, lane)
    }
    return lane
  }

  private enqueueKey(entry: Entry): void {
    const key = entry.row.orderingKey
    const queue = this.keys.get(key)
    if (queue === undefined) {
      this.keys.set(key, { items: [entry], head: 0 })
      this.schedule(entry)
    } else {
      queue.items.push(entry)
    }
  }

  /** Removes a pending entry from its key's FIFO; the next one becomes the head. */
  private dequeueKey(entry: Entry): void {
    const key = entry.row.orderingKey
    const queue = this.keys.get(key)
    if (queue === undefined) return
    const wasHead = queue.items[queue.head] === entry
    if (wasHead) {
      queue.head++
    } else {
      const at = queue.items.indexOf(entry, queue.head)
      if (at === -1) return
      queue.items.splice(at, 1)
    }
    this.unschedule(entry)
    if (queue.head === queue.items.length) {
      this.keys.delete(key)
      return
    }
    if (queue.head >= 16 && queue.head * 2 >= queue.items.length) {
      queue.items = queue.items.slice(queue.head)
      queue.head = 0
    }
    if (wasHead) this.schedule(queue.items[queue.head])
  }

  /** (Re)places a key head in its lane's waiting index at its current due time. */
  private schedule(entry: Entry): void {
    const lane = this.lane(entry.row.destinationId)
    this.unschedule(entry)
    entry.version++
    entry.loc = WAITING
    lane.waitingLive++
    lane.waiting.push({ entry, version: entry.version, k1: dueOf(entry), k2: entry.seq })
    maybeCompact(lane.waiting, lane.waitingLive)
  }

  private unschedule(entry: Entry): void {
    if (entry.loc === NOWHERE) return
    const lane = this.lane(entry.row.destinationId)
    if (entry.loc === WAITING) lane.waitingLive--
    else lane.readyLive--
    entry.version++
    entry.loc = NOWHERE
  }

  /** Moves every waiting head due by `now` to the ready indexes. */
  private promote(lane: Lane, now: number): void {
    for (;;) {
      const top = peekLive(lane.waiting)
      if (top === undefined || top.k1 > now) break
      lane.waiting.pop()
      const entry = top.entry
      lane.waitingLive--
      entry.version++
      entry.loc = READY
      lane.readyLive++
      lane.ready.push({ entry, version: entry.version, k1: entry.seq, k2: 0 })
      lane.readyDue.push({ entry, version: entry.version, k1: top.k1, k2: entry.seq })
    }
    maybeCompact(lane.ready, lane.readyLive)
    maybeCompact(lane.readyDue, lane.readyLive)
  }

  /** The oldest ready head that is due at `now` (a caller may go back in time). */
  private peekReady(lane: Lane, now: number): Node | undefined {
    for (;;) {
      const top = peekLive(lane.ready)
      if (top === undefined || dueOf(top.entry) <= now) return top
      this.schedule(top.entry)
    }
  }
}
