import { describe, expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Rows } from "@weft/core/store"
import { StoreMemory } from "@weft/store-memory"
import { StoreSuite } from "@weft/testing/conformance"

/**
 * The memory outbox indexes heads in heaps to claim in O(limit · log n). This
 * checks it against a brute-force reading of the claim rules over 100,000
 * entries: random due times, shared ordering keys, three destinations (one
 * switched off and on), lost leases, retries, dead letters and releases.
 */

const N = 100_000
/** Records the entries belong to: their ordering keys. */
const KEYS = 70_000
const LEASE = 2_000
const DESTINATIONS = ["dst_a", "dst_b", "dst_c"] as const

/** Deterministic PRNG (mulberry32), so a failure replays exactly. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
}

interface ModelEntry {
  readonly id: string
  readonly key: string
  /** `key` as a small integer (the record number), so the readings below can mark keys seen in an array. */
  readonly keyIndex: number
  readonly destinationId: string
  status: Rows.OutboxStatus
  nextAttemptAt: number
  leaseUntil: number | undefined
}

const dueOf = (e: ModelEntry) => Math.max(e.nextAttemptAt, e.leaseUntil ?? 0)

/**
 * Lets the event loop turn. The model's brute-force reading is long
 * synchronous work between a few Effect steps, which Effect's scheduler does
 * not break up; without a turn of the loop now and then, the test runner's
 * own messages to this worker (and their timeouts) wait behind it.
 */
const breathe = Effect.async<void>((resume) => {
  const id = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(id))
})

/** The claim rules, read literally: heads of keys, due, not leased, enabled; oldest first. */
const expectedClaim = (
  pending: ReadonlyArray<ModelEntry>,
  now: number,
  limit: number,
  only: string | undefined,
  enabled: ReadonlySet<string>
): Array<ModelEntry> => {
  const seen = new Uint8Array(KEYS)
  const out: Array<ModelEntry> = []
  for (const e of pending) {
    if (seen[e.keyIndex] === 1) continue
    seen[e.keyIndex] = 1
    // Only the heads seen so far matter for what is still to come: once full, nothing more is taken.
    if (out.length === limit) break
    if (only !== undefined && e.destinationId !== only) continue
    if (!enabled.has(e.destinationId) || dueOf(e) > now) continue
    out.push(e)
  }
  return out
}

/** `nextDueAt` of every destination: the earliest due time among its key heads, none when disabled. */
const expectedNextDue = (pending: ReadonlyArray<ModelEntry>, enabled: ReadonlySet<string>) => {
  const seen = new Uint8Array(KEYS)
  const min = new Map<string, number>()
  for (const e of pending) {
    if (seen[e.keyIndex] === 1) continue
    seen[e.keyIndex] = 1
    const current = min.get(e.destinationId)
    if (enabled.has(e.destinationId) && (current === undefined || dueOf(e) < current)) min.set(e.destinationId, dueOf(e))
  }
  return min
}

describe("StoreMemory outbox against a brute-force model", () => {
  StoreSuite.storeTest(() => StoreMemory.layer)(`${N.toLocaleString("en")} entries claim exactly as the rules say`, (store) =>
    Effect.gen(function*() {
      const random = prng(20_261_126)
      const int = (n: number) => Math.floor(random() * n)
      yield* store.runs.create(StoreSuite.makeRun())
      for (const id of DESTINATIONS) yield* store.destinations.put(StoreSuite.makeDestination({ id }))

      const model: Array<ModelEntry> = []
      for (let page = 0; page < N / 1_000; page++) {
        const events: Array<Rows.OutboxEntry> = []
        for (let i = 0; i < 1_000; i++) {
          const record = int(KEYS)
          const entry = StoreSuite.makeEntry({
            recordId: `r${record}`,
            destinationId: DESTINATIONS[record % 3],
            nextAttemptAt: int(20_000),
            payload: new Uint8Array([record & 0xff])
          })
          events.push(entry)
          model.push({ id: entry.id, key: entry.orderingKey, keyIndex: record, destinationId: entry.destinationId, status: "pending", nextAttemptAt: entry.nextAttemptAt, leaseUntil: undefined })
        }
        yield* store.commit(StoreSuite.makeCommit({ events }))
        yield* breathe
      }

      const enabled = new Set<string>(DESTINATIONS)
      const byId = new Map(model.map((e) => [e.id, e]))
      let pending = model
      let now = 0
      let steps = 0
      let claims = 0
      while (pending.length > 0) {
        yield* breathe
        steps++
        expect(steps).toBeLessThan(2_000)
        now += 250
        if (steps % 20 === 0) {
          const on = !enabled.has("dst_c")
          yield* store.destinations.setEnabled("dst_c", on, on ? undefined : "410 Gone", now)
          if (on) enabled.add("dst_c")
          else enabled.delete("dst_c")
        }
        const only = steps % 4 === 0 ? "dst_b" : undefined
        const limit = 500 + int(1_000)
        const expected = expectedClaim(pending, now, limit, only, enabled)
        const claimed = yield* store.outbox.claimDue({ now, limit, leaseMs: LEASE, destinationId: only })
        expect(claimed.map((e) => e.id)).toEqual(expected.map((e) => e.id))
        expect(claimed.filter((row) => row.leaseUntil !== now + LEASE).map((row) => [row.id, row.leaseUntil])).toEqual([])
        claims += claimed.length

        for (const row of claimed) {
          const e = byId.get(row.id)!
          e.leaseUntil = now + LEASE
          const roll = random()
          if (roll < 0.03) continue // a lost worker: the lease runs out
          if (roll < 0.18) {
            const next = now + int(5_000)
            yield* StoreSuite.settleClaimed(store, row, StoreSuite.settlement.retry(now, next))
            e.nextAttemptAt = next
            e.leaseUntil = undefined
          } else if (roll < 0.2) {
            yield* StoreSuite.settleClaimed(store, row, StoreSuite.settlement.released)
            e.leaseUntil = undefined
          } else {
            const dead = roll < 0.24
            yield* StoreSuite.settleClaimed(store, row, dead ? StoreSuite.settlement.dead(now) : StoreSuite.settlement.acked(now))
            e.status = dead ? "dead" : "acked"
            e.leaseUntil = undefined
          }
        }
        pending = pending.filter((e) => e.status === "pending")
        const nextDue = expectedNextDue(pending, enabled)
        for (const id of DESTINATIONS) {
          expect(Option.getOrUndefined(yield* store.outbox.nextDueAt(id))).toBe(nextDue.get(id))
        }
      }

      console.log("model steps", steps, "claims", claims)
      expect(claims).toBeGreaterThan(N)
      expect(yield* store.outbox.list({ status: "pending" })).toEqual([])
      const run = Option.getOrThrow(yield* store.runs.get("run_test"))
      expect(run.delivery.acked + run.delivery.deadLettered).toBe(N)
      expect(run.delivery.recordEvents).toBe(N)
    }), 180_000)
})
