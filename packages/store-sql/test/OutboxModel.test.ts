import { describe } from "@effect/vitest"
import { StoreSuite } from "@weft/testing/conformance"
import { pgLayer, sqliteLayer } from "./layers.js"

/**
 * The conformance model check of the outbox on both dialects: random small
 * scenarios against a brute-force model, and one large scenario (10,000
 * entries on 7,000 records, three destinations with one switched off and
 * on, lost leases, late settles with stale tokens, retries, dead letters,
 * releases, requeues and a run closing midway), so claims run over
 * thousands of pending entries with the real indexes.
 */

const N = 10_000
const KEYS = 7_000
const STEPS = 120

/** Deterministic PRNG (mulberry32), so a failure replays exactly. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
}

const large = (seed: number): StoreSuite.OutboxScenario => {
  const random = prng(seed)
  const int = (n: number) => Math.floor(random() * n)
  const outcome = (): StoreSuite.Outcome => {
    const roll = random()
    return roll < 0.03 ? "lose" : roll < 0.18 ? "retry" : roll < 0.2 ? "release" : roll < 0.24 ? "dead" : "ack"
  }
  const late = ["ack", "dead", "retry", "release"] as const
  return {
    leaseMs: 2_000,
    entries: Array.from({ length: N }, (_, i): StoreSuite.ScenarioEntry => ({
      key: int(KEYS),
      run: Math.floor(i / 1_000) % 2 === 0 ? 0 : 1,
      deletes: random() < 0.1,
      nextAttemptAt: int(20_000)
    })),
    steps: Array.from({ length: STEPS }, (_, i): StoreSuite.ScenarioStep => ({
      advance: 250,
      limit: 200 + int(400),
      only: i % 4 === 3 ? 1 : undefined,
      toggle: i % 20 === 19,
      outcomes: Array.from({ length: 97 }, outcome),
      retryDelay: int(5_000),
      zombies: Array.from({ length: 5 }, () => ({ pick: int(1_000), outcome: late[int(4)] })),
      requeue: i % 10 === 9 ? [int(N), int(N), int(N)] : [],
      close: i === STEPS / 2
    }))
  }
}

const cases = [
  ["SQLite", () => sqliteLayer(), 60],
  ["Postgres", () => pgLayer(), 30]
] as const

for (const [name, layer, runs] of cases) {
  describe(`StoreSql (${name}) outbox against a brute-force model`, () => {
    StoreSuite.outboxModelCheck(`StoreSql (${name})`, layer, { runs, maxEntries: 120, maxSteps: 60 })

    StoreSuite.storeTest(layer)(
      `${N.toLocaleString("en")} entries claim and settle exactly as the rules say`,
      (store) => StoreSuite.runOutboxScenario(store, large(20_261_201)),
      300_000
    )
  })
}
