import * as Effect from "effect/Effect"
import { Store } from "@weft/core/store"

/**
 * Thrown inside one synchronous store step when an operation cannot apply.
 * Steps validate before they mutate, so a rejection leaves the state as it
 * was; {@link attempt} turns it into a `StoreError`.
 *
 * @internal
 */
export class Rejection {
  constructor(readonly detail: string) {}
}

/** @internal */
export const reject = (detail: string): never => {
  throw new Rejection(detail)
}

/**
 * Runs one store operation as a single synchronous step: nothing else can
 * interleave with it, and nothing it throws escapes the Effect.
 *
 * @internal
 */
export const attempt = <A>(op: string, step: () => A): Effect.Effect<A, Store.StoreError> =>
  Effect.try({
    try: step,
    catch: (cause) =>
      cause instanceof Rejection
        ? new Store.StoreError({ op, detail: cause.detail })
        : new Store.StoreError({ op, detail: "unexpected failure (see cause)", cause })
  })
