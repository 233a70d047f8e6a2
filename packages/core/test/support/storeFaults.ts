import * as Effect from "effect/Effect"
import { Store } from "@weft/core/store"

/**
 * A store that can be switched off: while `down`, every operation fails with
 * `StoreError` and is counted. Switched off for good, it is the store of a
 * killed process: what that process left behind stays in the inner store,
 * and nothing it does afterwards reaches it.
 */
export const switchable = (inner: Store.StoreService, detail = "connection refused (the database is restarting)") => {
  const state = { down: false, refused: 0 }
  const guard = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E | Store.StoreError> =>
    Effect.suspend((): Effect.Effect<A, E | Store.StoreError> => {
      if (!state.down) return effect
      state.refused++
      return Effect.fail(new Store.StoreError({ op: "any", detail }))
    })
  const wrap = <T extends object>(repo: T): T =>
    Object.fromEntries(
      Object.entries(repo).map(([k, f]) => [k, (...args: Array<unknown>) => guard((f as (...a: Array<unknown>) => Effect.Effect<unknown>)(...args))])
    ) as T
  const store: Store.StoreService = {
    integrations: wrap(inner.integrations),
    destinations: wrap(inner.destinations),
    syncs: wrap(inner.syncs),
    fingerprints: wrap(inner.fingerprints),
    runs: wrap(inner.runs),
    runLeases: wrap(inner.runLeases),
    commit: (page) => guard(inner.commit(page)),
    outbox: wrap(inner.outbox)
  }
  return { store, state }
}
