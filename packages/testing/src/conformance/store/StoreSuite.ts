import { describe } from "@effect/vitest"
import { attemptTests } from "./attemptTests.js"
import { commitTests } from "./commitTests.js"
import { fencingTests } from "./fencingTests.js"
import { outboxModelCheck } from "./modelCheck.js"
import type { StoreLayer } from "./Harness.js"
export {
  type OutboxScenario,
  largeScenario,
  type Outcome,
  outboxModelCheck,
  runOutboxScenario,
  type ScenarioEntry,
  scenarioArbitrary,
  type ScenarioStep
} from "./modelCheck.js"
import { outboxTests } from "./outboxTests.js"
import { payloadTests } from "./payloadTests.js"
import { runTests } from "./runTests.js"
import { settleTests } from "./settleTests.js"
import { tableTests } from "./tableTests.js"

/**
 * The Store conformance suite: what every `Store` implementation must do,
 * as `@effect/vitest` tests. An implementation's test file calls
 * {@link storeConformance} with its layer; each test gets a fresh store.
 *
 * @since 0.1.0
 */

export * from "./Builders.js"
export {
  claimOne,
  expectSettle,
  expectStoreError,
  ids,
  leaseTokenOf,
  settleClaimed,
  settled,
  settleLeased,
  some,
  stale,
  type StoreLayer,
  storeTest
} from "./Harness.js"

/**
 * Registers the Store conformance suite under `describe(name, …)`. `layer`
 * is called once per test, so every test starts with an empty store. The
 * suite ends with the outbox model check ({@link outboxModelCheck}) over
 * `modelRuns` random scenarios (25 unless told; 0 leaves it out).
 *
 * @example
 * ```ts
 * import { StoreMemory } from "@weft/store-memory"
 * import { StoreSuite } from "@weft/testing/conformance"
 *
 * StoreSuite.storeConformance("StoreMemory", () => StoreMemory.layer)
 * ```
 * @since 0.1.0
 * @category tests
 */
export const storeConformance = (
  name: string,
  layer: StoreLayer,
  options: { readonly modelRuns?: number } = {}
): void => {
  describe(name, () => {
    describe("fingerprints, model state and page commits", () => commitTests(layer))
    describe("outbox claims", () => outboxTests(layer))
    describe("settlements, run closing and replays", () => settleTests(layer))
    describe("delivery attempts", () => attemptTests(layer))
    describe("payloads and their holds", () => payloadTests(layer))
    describe("lease tokens and fencing", () => fencingTests(layer))
    describe("run end, allConsumed and run leases", () => runTests(layer))
    describe("integrations, destinations, syncs and runs", () => tableTests(layer))
    const modelRuns = options.modelRuns ?? 25
    if (modelRuns > 0) describe("outbox model check", () => outboxModelCheck(name, layer, { runs: modelRuns }))
  })
}
