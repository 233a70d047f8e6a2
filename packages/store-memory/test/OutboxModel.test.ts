import { describe } from "@effect/vitest"
import { StoreMemory } from "@weft/store-memory"
import { StoreSuite } from "@weft/testing/conformance"

/**
 * The memory outbox indexes heads in heaps to claim in O(limit · log n). The
 * conformance model check runs it against a brute-force reading of the claim
 * rules: many small random scenarios, and one of 100,000 entries (random due
 * times, shared ordering keys, three destinations, one switched off and on,
 * lost leases claimed again, late settles with stale tokens, retries, dead
 * letters, releases, requeues and a run closing midway).
 */

const N = 100_000
/** Records the entries belong to: their ordering keys. */
const KEYS = 70_000
const STEPS = 300

/** Deterministic PRNG (mulberry32), so a failure replays exactly. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
}

const large = (): StoreSuite.OutboxScenario => {
  const random = prng(20_261_126)
  const int = (n: number) => Math.floor(random() * n)
  const outcome = (): StoreSuite.Outcome => {
    const roll = random()
    return roll < 0.03 ? "lose" : roll < 0.18 ? "retry" : roll < 0.2 ? "release" : roll < 0.24 ? "dead" : "ack"
  }
  const late = ["ack", "dead", "retry", "release"] as const
  const entries = Array.from({ length: N }, (_, i): StoreSuite.ScenarioEntry => ({
    key: int(KEYS),
    run: Math.floor(i / 1_000) % 2 === 0 ? 0 : 1,
    deletes: random() < 0.1,
    nextAttemptAt: int(20_000)
  }))
  const steps = Array.from({ length: STEPS }, (_, i): StoreSuite.ScenarioStep => ({
    advance: 250,
    limit: 500 + int(1_000),
    only: i % 4 === 3 ? 1 : undefined,
    toggle: i % 20 === 19,
    outcomes: Array.from({ length: 97 }, outcome),
    retryDelay: int(5_000),
    zombies: Array.from({ length: 5 }, () => ({ pick: int(1_000), outcome: late[int(4)] })),
    requeue: i % 10 === 9 ? [int(N), int(N), int(N)] : [],
    close: i === STEPS / 2
  }))
  return { leaseMs: 2_000, entries, steps }
}

describe("StoreMemory outbox against a brute-force model", () => {
  StoreSuite.outboxModelCheck("StoreMemory", () => StoreMemory.layer, { runs: 300, maxEntries: 120, maxSteps: 80 })

  StoreSuite.storeTest(() => StoreMemory.layer)(
    `${N.toLocaleString("en")} entries claim and settle exactly as the rules say`,
    (store) => StoreSuite.runOutboxScenario(store, large()),
    180_000
  )
})
