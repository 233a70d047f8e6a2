import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import { Rows, Store } from "@weft/core/store"
import { makeClose, makeCommit, makeConsumed, makeDestination, makeEntry, makeRun, makeRunEvent, settlement } from "./Builders.js"
import type { StoreLayer } from "./Harness.js"

/**
 * A model check of the outbox: a scenario of entries and worker steps runs
 * against a store and against a brute-force reading of the rules, and every
 * answer of the store must match the model's: what `claimDue` hands out (key
 * heads, due, not leased, enabled destination, oldest first), lease tokens,
 * settle results (`Stale` for every token that is not the current claim's,
 * `consumptionDue` exactly when a closed run's last record event settles),
 * `nextDueAt`, `pendingCount`, requeues, purges, run counters and
 * `allConsumed`, and which payloads the store keeps: entries share payloads
 * (a few per page commit, as the engine's pages do), and a payload must be
 * there exactly while some entry holds it.
 *
 * Workers lose leases (the lease lapses and the entry is claimed again) and
 * settle late with their old tokens; those settles must change nothing.
 *
 * @since 0.1.0
 */

/**
 * What a worker does with an entry it claimed. `lose`: nothing, its lease
 * lapses (the token stays in the pool of tokens later settled late).
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = "ack" | "dead" | "retry" | "release" | "lose"

/**
 * One record event of a scenario: its record (ordering key), run and due time.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScenarioEntry {
  /** The record; the destination follows from it (`key % 3`). */
  readonly key: number
  /** Run 0 closes before the first claim; run 1 closes during the scenario. */
  readonly run: 0 | 1
  /** A `record.deleted` (keeps its payload when acked) instead of a `record.changed`. */
  readonly deletes: boolean
  readonly nextAttemptAt: number
}

/**
 * One round of the workers.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScenarioStep {
  /** Milliseconds the clock moves before the claim. */
  readonly advance: number
  readonly limit: number
  /** Claim for one destination only (index into the three destinations). */
  readonly only?: number | undefined
  /** Switch the third destination off (or on again). */
  readonly toggle: boolean
  /** Outcomes of the claimed entries, used in turn. */
  readonly outcomes: ReadonlyArray<Outcome>
  readonly retryDelay: number
  /** Late settles with tokens from the pool of recently issued ones (`pick` modulo its size). */
  readonly zombies: ReadonlyArray<{ readonly pick: number; readonly outcome: Exclude<Outcome, "lose"> }>
  /** Requeues of settled entries that hold their payload (`pick` modulo how many there are). */
  readonly requeue: ReadonlyArray<number>
  /** Close run 1 now (if still open). */
  readonly close: boolean
  /** Purge the entries settled before this step's time. */
  readonly purge?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface OutboxScenario {
  readonly leaseMs: number
  readonly entries: ReadonlyArray<ScenarioEntry>
  readonly steps: ReadonlyArray<ScenarioStep>
}

const DESTINATIONS = ["dst_model_a", "dst_model_b", "dst_model_c"] as const
const TOGGLED = DESTINATIONS[2]
const RUN_IDS = ["run_model_0", "run_model_1"] as const
const POOL = 64
/** Entries per page commit. */
const PAGE = 1_000
/** Entries per payload within a page. */
const PER_PAYLOAD = 4

interface ModelEntry {
  readonly id: string
  readonly type: Rows.OutboxEntry["type"]
  readonly keyIndex: number
  readonly destinationId: string
  readonly run: number
  status: Rows.OutboxStatus
  nextAttemptAt: number
  leaseUntil: number | undefined
  token: string | undefined
  readonly tokens: Array<string>
  attempts: number
  /** A record event that is not a replay: its settle moves the run's counters. */
  counts: boolean
  replay: boolean
  hasPayload: boolean
  readonly payload: Rows.PayloadRef
  settledAt: number | undefined
  purged: boolean
}

interface ModelRun {
  readonly id: string
  recordEvents: number
  acked: number
  deadLettered: number
  closed: boolean
  enqueued: boolean
}

const dueOf = (e: ModelEntry): number => Math.max(e.nextAttemptAt, e.leaseUntil ?? 0)

const isDue = (run: ModelRun): boolean =>
  run.closed && !run.enqueued && run.acked + run.deadLettered === run.recordEvents

const deliveryOf = (run: ModelRun): Rows.RunDelivery => ({
  recordEvents: run.recordEvents,
  acked: run.acked,
  deadLettered: run.deadLettered,
  emissionClosed: run.closed,
  consumedEnqueued: run.enqueued
})

/**
 * Lets the event loop turn between steps: the model's readings are long
 * synchronous work, and the test runner's own messages must not wait behind
 * them.
 */
const breathe = Effect.async<void>((resume) => {
  const id = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(id))
})

/**
 * Runs `scenario` against `store` (which must be empty) and fails (with a
 * defect from `expect`) at the first answer that differs from the model's.
 *
 * @since 0.1.0
 * @category tests
 */
export const runOutboxScenario = (store: Store.StoreService, scenario: OutboxScenario): Effect.Effect<void, Store.StoreError> =>
  Effect.gen(function*() {
    const lease = scenario.leaseMs
    const keyCount = scenario.entries.reduce((max, e) => Math.max(max, e.key + 1), 0)
    const runs: Array<ModelRun> = RUN_IDS.map((id) => ({ id, recordEvents: 0, acked: 0, deadLettered: 0, closed: false, enqueued: false }))
    const runRows = RUN_IDS.map((id, i) => makeRun({ id, startedAt: 1_000 + i }))
    const all: Array<ModelEntry> = []
    const byId = new Map<string, ModelEntry>()
    let pending: Array<ModelEntry> = []
    const enabled = new Set<string>(DESTINATIONS)
    const pool: Array<{ readonly id: string; readonly token: string }> = []
    const dueRuns = new Set<string>()
    let now = 0
    // Holders of each payload by the model; payloads whose count changed since the last check.
    const holders = new Map<string, number>()
    const dirty = new Set<string>()
    const hold = (id: string, delta: number) => {
      holders.set(id, (holders.get(id) ?? 0) + delta)
      dirty.add(id)
    }

    const track = (row: Rows.OutboxEntry, keyIndex: number, run: number): void => {
      const m: ModelEntry = {
        id: row.id,
        type: row.type,
        keyIndex,
        destinationId: row.destinationId,
        run,
        status: "pending",
        nextAttemptAt: row.nextAttemptAt,
        leaseUntil: undefined,
        token: undefined,
        tokens: [],
        attempts: 0,
        counts: row.kind === "record",
        replay: false,
        hasPayload: true,
        payload: { id: row.payload!.id, offset: row.payload!.offset, length: row.payload!.length },
        settledAt: undefined,
        purged: false
      }
      hold(m.payload.id, 1)
      all.push(m)
      byId.set(m.id, m)
      pending.push(m)
      if (m.counts) runs[run].recordEvents++
    }

    // --- the model's readings of the rules ---------------------------------

    const expectedClaim = (limit: number, only: string | undefined): Array<ModelEntry> => {
      const seen = new Uint8Array(keyCount + RUN_IDS.length)
      const out: Array<ModelEntry> = []
      for (const e of pending) {
        if (seen[e.keyIndex] === 1) continue
        seen[e.keyIndex] = 1
        if (out.length === limit) break
        if (only !== undefined && e.destinationId !== only) continue
        if (!enabled.has(e.destinationId) || dueOf(e) > now) continue
        out.push(e)
      }
      return out
    }

    /** `nextDueAt` of every destination (the earliest due key head, none when disabled) and `pendingCount`. */
    const expectedDestinations = (): { readonly nextDue: Map<string, number>; readonly pendingCount: Map<string, number> } => {
      const seen = new Uint8Array(keyCount + RUN_IDS.length)
      const min = new Map<string, number>()
      const count = new Map<string, number>()
      for (const e of pending) {
        count.set(e.destinationId, (count.get(e.destinationId) ?? 0) + 1)
        if (seen[e.keyIndex] === 1) continue
        seen[e.keyIndex] = 1
        const current = min.get(e.destinationId)
        if (enabled.has(e.destinationId) && (current === undefined || dueOf(e) < current)) min.set(e.destinationId, dueOf(e))
      }
      return { nextDue: min, pendingCount: count }
    }

    // --- operations, each checked against the model -------------------------

    const claim = (limit: number, only: string | undefined) =>
      Effect.gen(function*() {
        const expected = expectedClaim(limit, only)
        const claimed = yield* store.outbox.claimDue({ now, limit, leaseMs: lease, destinationId: only })
        expect(claimed.map((row) => row.id)).toEqual(expected.map((e) => e.id))
        // Plain checks collected, one assertion: claims hand out thousands of entries.
        const wrong: Array<string> = []
        for (const row of claimed) {
          const m = byId.get(row.id)!
          const token = row.leaseToken
          if (row.leaseUntil !== now + lease) wrong.push(`${row.id}: leaseUntil ${row.leaseUntil}, expected ${now + lease}`)
          // A new token on every claim: none of this entry's earlier claims had it.
          if (typeof token !== "string" || token === "") wrong.push(`${row.id}: no lease token`)
          else if (m.tokens.includes(token)) wrong.push(`${row.id}: lease token ${token} was handed out before`)
          if (typeof token !== "string") continue
          m.tokens.push(token)
          m.token = token
          m.leaseUntil = now + lease
          pool.push({ id: m.id, token })
          if (pool.length > POOL) pool.shift()
        }
        expect(wrong, `claims at ${now}`).toEqual([])
        return claimed
      })

    const settle = (m: ModelEntry, token: string, outcome: Exclude<Outcome, "lose">, checkUnchanged: boolean, retryDelay = 0) =>
      Effect.gen(function*() {
        const fresh = m.status === "pending" && m.token === token
        const attempts = m.attempts + 1
        const next = now + retryDelay
        const s: Rows.Settlement = outcome === "ack"
          ? settlement.acked(now, attempts, now)
          : outcome === "dead"
          ? settlement.dead(now, "HTTP 400", attempts, now)
          : outcome === "retry"
          ? settlement.retry(now, next, "HTTP 503", attempts, now)
          : settlement.released
        const before = !fresh && checkUnchanged ? yield* store.outbox.get(m.id) : Option.none()
        const result = yield* store.outbox.settle(m.id, token, s)
        if (!fresh) {
          expect(result, `settle of ${m.id} with a token that is not its current claim's`).toEqual({ _tag: "Stale" })
          if (Option.isSome(before)) expect(yield* store.outbox.get(m.id)).toEqual(before)
          return
        }
        // Plain comparisons on the hot path; `expect` only on a mismatch.
        const reported = result._tag === "Settled" ? result.consumptionDue : undefined
        if (result._tag !== "Settled") expect(result._tag, `settle of ${m.id} with its current token`).toBe("Settled")
        m.leaseUntil = undefined
        m.token = undefined
        if (outcome === "release") {
          if (reported !== undefined) expect(reported, `consumptionDue of a release of ${m.id}`).toBeUndefined()
          return
        }
        m.attempts = attempts
        if (outcome === "retry") {
          m.nextAttemptAt = next
          if (reported !== undefined) expect(reported, `consumptionDue of a retry of ${m.id}`).toBeUndefined()
          return
        }
        m.status = outcome === "ack" ? "acked" : "dead"
        m.settledAt = now
        if (outcome === "ack" && Rows.carriesRecordData(m.type)) {
          m.hasPayload = false
          hold(m.payload.id, -1)
        }
        let due: string | undefined
        if (m.counts) {
          const run = runs[m.run]
          if (outcome === "ack") run.acked++
          else run.deadLettered++
          if (isDue(run)) due = run.id
        }
        if (reported !== due) expect(reported, `consumptionDue of the settle of ${m.id}`).toBe(due)
        if (due !== undefined) dueRuns.add(due)
      })

    const closeRun = (index: number) =>
      Effect.gen(function*() {
        const run = runs[index]
        const allEmitted = makeRunEvent(run.id, "sync.events.allEmitted", { destinationId: DESTINATIONS[0], createdAt: now })
        const delivery = yield* store.runs.close(makeClose(runRows[index], { allEmitted }))
        track(allEmitted, keyCount + index, index)
        run.closed = true
        expect(delivery).toEqual(deliveryOf(run))
        if (isDue(run)) dueRuns.add(run.id)
      })

    const enqueueDue = Effect.gen(function*() {
      for (const runId of dueRuns) {
        const index = RUN_IDS.indexOf(runId as typeof RUN_IDS[number])
        const consumed = makeConsumed(runId, { destinationId: DESTINATIONS[0], createdAt: now, nextAttemptAt: now })
        expect(yield* store.runs.enqueueConsumed(consumed), `enqueueConsumed of due ${runId}`).toBe(true)
        runs[index].enqueued = true
        track(consumed, keyCount + index, index)
        expect(yield* store.runs.enqueueConsumed(makeConsumed(runId)), `second enqueueConsumed of ${runId}`).toBe(false)
      }
      dueRuns.clear()
    })

    const checkState = Effect.gen(function*() {
      const expected = expectedDestinations()
      for (const id of DESTINATIONS) {
        expect(Option.getOrUndefined(yield* store.outbox.nextDueAt(id)), `nextDueAt(${id}) at ${now}`).toBe(expected.nextDue.get(id))
        expect(yield* store.outbox.pendingCount(id), `pendingCount(${id})`).toBe(expected.pendingCount.get(id) ?? 0)
      }
      expect([...(yield* store.runs.consumptionDue(10))].sort()).toEqual([...dueRuns].sort())
      for (const run of runs) {
        expect(Option.map(yield* store.runs.get(run.id), (row) => row.delivery)).toEqual(Option.some(deliveryOf(run)))
      }
      const wrong: Array<string> = []
      for (const id of dirty) {
        const kept = Option.isSome(yield* store.outbox.payload(id))
        if (kept !== (holders.get(id)! > 0)) wrong.push(`${id}: ${kept ? "kept" : "gone"} with ${holders.get(id)} holders`)
      }
      dirty.clear()
      expect(wrong, `payloads at ${now}`).toEqual([])
    })

    const purge = (before: number) =>
      Effect.gen(function*() {
        let expected = 0
        for (const m of all) {
          if (m.purged || m.status === "pending" || m.settledAt === undefined || m.settledAt >= before) continue
          m.purged = true
          expected++
          if (m.hasPayload) hold(m.payload.id, -1)
        }
        expect(yield* store.outbox.purge(before), `purge before ${before}`).toBe(expected)
      })

    // --- seed ---------------------------------------------------------------

    for (const id of DESTINATIONS) yield* store.destinations.put(makeDestination({ id }))
    for (const row of runRows) yield* store.runs.create(row)
    let page: Array<Rows.OutboxEntry> = []
    let pageRun = 0
    let pages = 0
    // The payload of the page's current group of entries: one byte per entry.
    let group: { readonly id: string; readonly sealed: Uint8Array } | undefined
    const flush = Effect.suspend(() => {
      if (page.length === 0) return Effect.void
      const events = page
      page = []
      pages++
      return store.commit(makeCommit({ runId: RUN_IDS[pageRun], events }))
    })
    for (const e of scenario.entries) {
      if (page.length === PAGE || (page.length > 0 && e.run !== pageRun)) {
        yield* flush
        yield* breathe
      }
      pageRun = e.run
      const slot = page.length % PER_PAYLOAD
      if (slot === 0) {
        group = { id: `pay_model_${pages}_${page.length / PER_PAYLOAD}`, sealed: new Uint8Array(PER_PAYLOAD) }
      }
      group!.sealed[slot] = e.key & 0xff
      const row = makeEntry({
        runId: RUN_IDS[e.run],
        recordId: `r${e.key}`,
        destinationId: DESTINATIONS[e.key % DESTINATIONS.length],
        type: e.deletes ? "record.deleted" : "record.changed",
        nextAttemptAt: e.nextAttemptAt,
        payload: { id: group!.id, offset: slot, length: 1, sealed: group!.sealed }
      })
      page.push(row)
      track(row, e.key, e.run)
    }
    yield* flush
    yield* closeRun(0)
    yield* checkState

    // --- the workers' steps -------------------------------------------------

    for (const [index, step] of scenario.steps.entries()) {
      yield* breathe
      now += step.advance
      yield* enqueueDue
      if (step.toggle) {
        const on = !enabled.has(TOGGLED)
        yield* store.destinations.setEnabled(TOGGLED, on, on ? undefined : "410 Gone", now)
        if (on) enabled.add(TOGGLED)
        else enabled.delete(TOGGLED)
      }
      const only = step.only === undefined ? undefined : DESTINATIONS[step.only % DESTINATIONS.length]
      const claimed = yield* claim(step.limit, only)
      for (const [i, row] of claimed.entries()) {
        const outcome = step.outcomes.length === 0 ? "ack" : step.outcomes[(i + index) % step.outcomes.length]
        if (outcome === "lose") continue
        yield* settle(byId.get(row.id)!, row.leaseToken as string, outcome, false, step.retryDelay)
      }
      for (const zombie of step.zombies) {
        if (pool.length === 0) break
        const { id, token } = pool[zombie.pick % pool.length]
        yield* settle(byId.get(id)!, token, zombie.outcome, true, step.retryDelay)
      }
      pending = pending.filter((e) => e.status === "pending")
      if (step.requeue.length > 0) {
        const candidates = all.filter((e) => e.status !== "pending" && e.hasPayload && !e.purged)
        if (candidates.length > 0) {
          const picked = step.requeue.map((p) => candidates[p % candidates.length].id)
          const expected = [...new Set(picked)]
          expect(yield* store.outbox.requeue(picked, now)).toEqual(expected)
          for (const id of expected) {
            const m = byId.get(id)!
            m.status = "pending"
            m.replay = true
            m.counts = false
            m.attempts = 0
            m.nextAttemptAt = now
            m.leaseUntil = undefined
            m.token = undefined
            m.settledAt = undefined
            pending.push(m)
          }
        }
      }
      if (step.close && !runs[1].closed) yield* closeRun(1)
      if (step.purge === true) yield* purge(now)
      yield* checkState
    }

    // --- drain: every destination on, every lease lapsed, everything acked -------

    if (!enabled.has(TOGGLED)) {
      yield* store.destinations.setEnabled(TOGGLED, true, undefined, now)
      enabled.add(TOGGLED)
    }
    if (!runs[1].closed) yield* closeRun(1)
    for (let round = 0; ; round++) {
      expect(round, "drain rounds").toBeLessThanOrEqual(all.length + 4)
      yield* breathe
      yield* enqueueDue
      if (pending.length === 0) break
      for (const e of pending) now = Math.max(now, dueOf(e))
      const claimed = yield* claim(pending.length, undefined)
      for (const row of claimed) yield* settle(byId.get(row.id)!, row.leaseToken as string, "ack", false)
      pending = pending.filter((e) => e.status === "pending")
      yield* checkState
    }

    // --- the end state --------------------------------------------------------

    expect(yield* store.outbox.list({ status: "pending" })).toEqual([])
    for (const [index, run] of runs.entries()) {
      expect(run.closed && run.enqueued).toBe(true)
      const consumed = all.filter((m) => m.run === index && m.type === "sync.events.allConsumed")
      expect(consumed.length).toBe(1)
      // Unless a purge already took it.
      expect((yield* store.outbox.list({ runId: run.id, type: "sync.events.allConsumed" })).length).toBe(consumed[0].purged ? 0 : 1)
    }
    yield* checkState
    const rows = new Map((yield* store.outbox.list({ limit: all.length + 10 })).map((row) => [row.id, row]))
    const kept = all.filter((m) => !m.purged)
    expect(rows.size).toBe(kept.length)
    for (const m of kept) {
      const row = rows.get(m.id)
      expect(row, `outbox entry ${m.id}`).toBeDefined()
      expect({
        status: row!.status,
        attempts: row!.attempts,
        replay: row!.replay === true,
        payload: row!.payload,
        leaseToken: row!.leaseToken
      }, `outbox entry ${m.id}`).toEqual({
        status: m.status,
        attempts: m.attempts,
        replay: m.replay,
        payload: m.hasPayload ? m.payload : null,
        leaseToken: undefined
      })
    }
    // Retention passes: every entry goes, and every payload with them.
    yield* purge(Number.MAX_SAFE_INTEGER)
    for (const id of holders.keys()) dirty.add(id)
    yield* checkState
    expect(yield* store.outbox.list({})).toEqual([])
  })

const OUTCOMES: ReadonlyArray<Outcome> = ["ack", "ack", "ack", "ack", "dead", "retry", "retry", "release", "lose", "lose"]
const LATE: ReadonlyArray<Exclude<Outcome, "lose">> = ["ack", "dead", "retry", "release"]

/** Deterministic PRNG (mulberry32), so a large scenario replays exactly from its seed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
}

/**
 * One large scenario for {@link runOutboxScenario}, the same for a given
 * seed: `entries` entries on `records` ordering keys with random due times,
 * two runs (one closing midway), three destinations (one switched off and
 * on), and `steps` steps of claims of `claimLimit[0]` plus up to
 * `claimLimit[1]` entries, each settled ack / retry / release / dead or
 * lost, with late settles on stale tokens and requeues. Claims then run over
 * thousands of pending entries, with a store's real indexes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const largeScenario = (options: {
  readonly seed: number
  readonly entries: number
  readonly records: number
  readonly steps: number
  readonly claimLimit: readonly [min: number, spread: number]
}): OutboxScenario => {
  const random = prng(options.seed)
  const int = (n: number) => Math.floor(random() * n)
  const outcome = (): Outcome => {
    const roll = random()
    return roll < 0.03 ? "lose" : roll < 0.18 ? "retry" : roll < 0.2 ? "release" : roll < 0.24 ? "dead" : "ack"
  }
  const entries = Array.from({ length: options.entries }, (_, i): ScenarioEntry => ({
    key: int(options.records),
    run: Math.floor(i / 1_000) % 2 === 0 ? 0 : 1,
    deletes: random() < 0.1,
    nextAttemptAt: int(20_000)
  }))
  const steps = Array.from({ length: options.steps }, (_, i): ScenarioStep => ({
    advance: 250,
    limit: options.claimLimit[0] + int(options.claimLimit[1]),
    only: i % 4 === 3 ? 1 : undefined,
    toggle: i % 20 === 19,
    outcomes: Array.from({ length: 97 }, outcome),
    retryDelay: int(5_000),
    zombies: Array.from({ length: 5 }, () => ({ pick: int(1_000), outcome: LATE[int(4)]! })),
    requeue: i % 10 === 9 ? [int(options.entries), int(options.entries), int(options.entries)] : [],
    close: i === Math.floor(options.steps / 2),
    purge: i % 25 === 24
  }))
  return { leaseMs: 2_000, entries, steps }
}

/**
 * Random scenarios for {@link runOutboxScenario}: few ordering keys (so
 * entries wait behind each other), leases that lapse between steps, lost
 * workers, late settles with old tokens, requeues, a destination switched
 * off and on, and a run that closes midway.
 *
 * @since 0.1.0
 * @category constructors
 */
export const scenarioArbitrary = (
  options: { readonly maxEntries?: number; readonly maxSteps?: number; readonly keys?: number } = {}
): FastCheck.Arbitrary<OutboxScenario> => {
  const leaseMs = 1_000
  const entry = FastCheck.record({
    key: FastCheck.integer({ min: 0, max: (options.keys ?? 8) - 1 }),
    run: FastCheck.constantFrom<0 | 1>(0, 1),
    deletes: FastCheck.boolean(),
    nextAttemptAt: FastCheck.integer({ min: 0, max: 3 * leaseMs })
  })
  const step = FastCheck.record({
    advance: FastCheck.integer({ min: 0, max: 2 * leaseMs }),
    limit: FastCheck.integer({ min: 0, max: 10 }),
    only: FastCheck.option(FastCheck.integer({ min: 0, max: 2 }), { nil: undefined, freq: 4 }),
    toggle: FastCheck.integer({ min: 0, max: 7 }).map((n) => n === 0),
    outcomes: FastCheck.array(FastCheck.integer({ min: 0, max: OUTCOMES.length - 1 }).map((i) => OUTCOMES[i]), { minLength: 1, maxLength: 6 }),
    retryDelay: FastCheck.integer({ min: 0, max: 3 * leaseMs }),
    zombies: FastCheck.array(
      FastCheck.record({ pick: FastCheck.nat(), outcome: FastCheck.integer({ min: 0, max: 3 }).map((i) => LATE[i]) }),
      { maxLength: 3 }
    ),
    requeue: FastCheck.array(FastCheck.nat(), { maxLength: 2 }),
    close: FastCheck.integer({ min: 0, max: 5 }).map((n) => n === 0),
    purge: FastCheck.integer({ min: 0, max: 7 }).map((n) => n === 0)
  })
  return FastCheck.record({
    leaseMs: FastCheck.constant(leaseMs),
    entries: FastCheck.array(entry, { minLength: 1, maxLength: options.maxEntries ?? 60 }),
    steps: FastCheck.array(step, { minLength: 1, maxLength: options.maxSteps ?? 40 })
  })
}

/**
 * Registers the outbox model check: `runs` random scenarios, each against a
 * fresh store from `layer`. Keep `runs` moderate for stores that do I/O.
 * A failure reports fast-check's seed and counterexample; pass `seed` to
 * replay it.
 *
 * @example
 * ```ts
 * import { StoreMemory } from "@weft/store-memory"
 * import { StoreSuite } from "@weft/testing/conformance"
 *
 * StoreSuite.outboxModelCheck("StoreMemory", () => StoreMemory.layer, { runs: 200 })
 * ```
 * @since 0.1.0
 * @category tests
 */
export const outboxModelCheck = (
  name: string,
  layer: StoreLayer,
  options: {
    readonly runs?: number
    readonly seed?: number
    readonly maxEntries?: number
    readonly maxSteps?: number
    readonly timeout?: number
  } = {}
): void => {
  const runs = options.runs ?? 25
  it.effect(`${name}: the outbox answers as its model over ${runs} random scenarios, stale tokens included`, () =>
    Effect.promise(() =>
      FastCheck.assert(
        FastCheck.asyncProperty(scenarioArbitrary(options), (scenario) =>
          Effect.runPromise(
            Effect.flatMap(Store.Store, (store) => runOutboxScenario(store, scenario)).pipe(Effect.provide(layer()))
          )),
        { numRuns: runs, ...(options.seed === undefined ? {} : { seed: options.seed }) }
      )
    ), options.timeout ?? 300_000)
}
