import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { call, expectError, expectOk } from "./flows.js"
import { harness } from "./support.js"

describe("a store that does not answer", () => {
  it.scoped("503: /ready says not ready and calls that need the store say so, without the store's detail; both recover", () =>
    Effect.gen(function*() {
      const outage = { down: false }
      const h = yield* harness({ outage })
      expectOk(yield* call(h, "GET", "/ready", { token: null }))

      outage.down = true
      const ready = yield* call(h, "GET", "/ready", { token: null })
      expectError(ready, 503, "Unavailable", "not_ready")
      const integrations = yield* call(h, "GET", "/integrations")
      expectError(integrations, 503, "Unavailable", "store_unavailable")
      expectError(yield* call(h, "GET", "/runs"), 503, "Unavailable", "store_unavailable")
      // Liveness does not depend on the store.
      expectOk(yield* call(h, "GET", "/health", { token: null }))
      for (const answer of [ready, integrations]) {
        expect(answer.text).not.toContain("db.internal.example")
        expect(answer.text).not.toContain("ECONNREFUSED")
      }

      outage.down = false
      expectOk(yield* call(h, "GET", "/ready", { token: null }))
      expectOk(yield* call(h, "GET", "/integrations"))
    }))
})
