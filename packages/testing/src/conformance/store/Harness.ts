import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { type Rows, Store } from "@weft/core/store"

/**
 * How the Store conformance suite runs each test: against a fresh store.
 *
 * @since 0.1.0
 */

/**
 * A store implementation's layer, built anew for every test.
 *
 * @since 0.1.0
 * @category models
 */
export type StoreLayer = () => Layer.Layer<Store.Store, unknown>

/**
 * Registers an `it.effect` that runs `body` with a fresh store from `layer`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const storeTest =
  (layer: StoreLayer) =>
  (name: string, body: (store: Store.StoreService) => Effect.Effect<void, unknown>, timeout?: number): void => {
    it.effect(name, () => Effect.flatMap(Store.Store, body).pipe(Effect.provide(layer())), timeout)
  }

/**
 * Runs `effect`, asserts it failed with `StoreError`, and returns the error.
 *
 * @since 0.1.0
 * @category assertions
 */
export const expectStoreError = <A>(
  effect: Effect.Effect<A, Store.StoreError>
): Effect.Effect<Store.StoreError> =>
  Effect.map(Effect.either(effect), (result) => {
    if (Either.isRight(result)) {
      expect.fail(`expected a StoreError, but the operation succeeded with ${String(result.right)}`)
    }
    const error = (result as Either.Left<Store.StoreError, A>).left
    expect(error._tag).toBe("StoreError")
    return error
  })

/**
 * The value of a `Some`, failing the test on `None`.
 *
 * @since 0.1.0
 * @category assertions
 */
export const some = <A>(option: Option.Option<A>, what = "value"): A => {
  if (Option.isNone(option)) return expect.fail(`expected a ${what}, got None`)
  return option.value
}

/**
 * Ids of rows, in order.
 *
 * @since 0.1.0
 * @category getters
 */
export const ids = (rows: ReadonlyArray<{ readonly id: string }>): Array<string> => rows.map((row) => row.id)

/**
 * The lease token of an entry's current claim, failing the test when the
 * entry is missing or not leased.
 *
 * @since 0.1.0
 * @category getters
 */
export const leaseTokenOf = (store: Store.StoreService, id: string): Effect.Effect<string, Store.StoreError> =>
  Effect.map(store.outbox.get(id), (entry) => {
    const token = some(entry, `outbox entry ${id}`).leaseToken
    if (token === undefined) return expect.fail(`outbox entry ${id} is not leased: claim it before settling it`)
    return token
  })

/**
 * Settles an entry with the lease token of its current claim, as the worker
 * that claimed it would. The entry must have been claimed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const settleLeased = (
  store: Store.StoreService,
  id: string,
  settlement: Rows.Settlement
): Effect.Effect<Rows.SettleResult, Store.StoreError> =>
  Effect.flatMap(leaseTokenOf(store, id), (token) => store.outbox.settle(id, token, settlement))

/**
 * Settles a claimed entry (as `claimDue` returned it) with its lease token.
 *
 * @since 0.1.0
 * @category constructors
 */
export const settleClaimed = (
  store: Store.StoreService,
  claimed: Rows.OutboxEntry,
  settlement: Rows.Settlement
): Effect.Effect<Rows.SettleResult, Store.StoreError> => {
  if (claimed.leaseToken === undefined) return Effect.sync(() => expect.fail(`claimed entry ${claimed.id} carries no leaseToken`))
  return store.outbox.settle(claimed.id, claimed.leaseToken, settlement)
}

/**
 * Claims exactly one entry (the oldest due one) and returns it with its
 * lease token, failing the test when nothing is due.
 *
 * @since 0.1.0
 * @category constructors
 */
export const claimOne = (
  store: Store.StoreService,
  now: number,
  options: { readonly leaseMs?: number; readonly destinationId?: string } = {}
): Effect.Effect<Rows.OutboxEntry, Store.StoreError> =>
  Effect.map(
    store.outbox.claimDue({ now, limit: 1, leaseMs: options.leaseMs ?? 30_000, destinationId: options.destinationId }),
    (claimed) => {
      if (claimed.length !== 1) return expect.fail(`expected one entry due at ${now}, claimed ${claimed.length}`)
      return claimed[0]
    }
  )

/**
 * The outcome of a settle that applied, with `consumptionDue` when the
 * store reported it.
 *
 * @since 0.1.0
 * @category assertions
 */
export const settled = (consumptionDue?: string): Rows.SettleResult =>
  consumptionDue === undefined ? { _tag: "Settled" } : { _tag: "Settled", consumptionDue }

/**
 * The outcome of a settle that changed nothing.
 *
 * @since 0.1.0
 * @category assertions
 */
export const stale: Rows.SettleResult = { _tag: "Stale" }

/**
 * Asserts a settle result, reading an absent and an `undefined`
 * `consumptionDue` alike.
 *
 * @since 0.1.0
 * @category assertions
 */
export const expectSettle = (actual: Rows.SettleResult, expected: Rows.SettleResult): void => {
  const normal = (r: Rows.SettleResult) =>
    r._tag === "Settled" ? { _tag: r._tag, consumptionDue: r.consumptionDue } : { _tag: r._tag }
  expect(normal(actual)).toEqual(normal(expected))
}
