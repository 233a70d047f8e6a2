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

const cases = [
  ["SQLite", () => sqliteLayer(), 60],
  ["Postgres", () => pgLayer(), 30]
] as const

for (const [name, layer, runs] of cases) {
  describe(`StoreSql (${name}) outbox against a brute-force model`, () => {
    StoreSuite.outboxModelCheck(`StoreSql (${name})`, layer, { runs, maxEntries: 120, maxSteps: 60 })

    StoreSuite.storeTest(layer)(
      `${N.toLocaleString("en")} entries claim and settle exactly as the rules say`,
      (store) => StoreSuite.runOutboxScenario(store, StoreSuite.largeScenario({ seed: 20_261_201, entries: N, records: 7_000, steps: 120, claimLimit: [200, 400] })),
      300_000
    )
  })
}
