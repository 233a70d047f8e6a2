import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Store } from "@weft/core/store"

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
