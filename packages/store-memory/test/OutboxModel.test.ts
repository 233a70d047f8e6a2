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

describe("StoreMemory outbox against a brute-force model", () => {
  StoreSuite.outboxModelCheck("StoreMemory", () => StoreMemory.layer, { runs: 300, maxEntries: 120, maxSteps: 80 })

  StoreSuite.storeTest(() => StoreMemory.layer)(
    `${N.toLocaleString("en")} entries claim and settle exactly as the rules say`,
    (store) => StoreSuite.runOutboxScenario(store, StoreSuite.largeScenario({ seed: 20_261_126, entries: N, records: 70_000, steps: 300, claimLimit: [500, 1_000] })),
    180_000
  )
})
