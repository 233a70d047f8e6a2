import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/**
 * Async generators as Effect streams, with back-pressure and clean-up.
 *
 * @since 0.1.0
 */

/**
 * A stream over the values an async iterator yields.
 *
 * - Back-pressure: `next()` is called only when the stream is pulled, so a
 *   generator that fetches a page per `yield` fetches the next page only once
 *   the consumer has taken the previous one.
 * - Clean-up: when the stream ends early, fails or is interrupted, `signal`
 *   (handed to `open`) is aborted — which cancels a request in flight — and
 *   the iterator is `return()`-ed, so its `finally` blocks run.
 * - Errors: whatever `next()` throws (or rejects with) goes through
 *   `onError`, which may be async (e.g. to read an HTTP error's body).
 *
 * @example
 * ```ts
 * import { AsyncConnector } from "@weft/connectors"
 * declare const listPages: (signal: AbortSignal) => AsyncGenerator<ReadonlyArray<{ readonly id: string }>>
 *
 * const pages = AsyncConnector.fromAsyncIterator(
 *   (signal) => listPages(signal),
 *   async (thrown) => new AsyncConnector.ConnectorError({ operation: "list", detail: String(thrown) })
 * )
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const fromAsyncIterator = <A, E>(
  open: (signal: AbortSignal) => AsyncIterator<A> | AsyncIterable<A>,
  onError: (thrown: unknown) => Promise<E>
): Stream.Stream<A, E> => {
  const fail = (thrown: unknown) => Effect.flatMap(Effect.promise(() => onError(thrown)), (e) => Effect.fail(Option.some(e)))
  return Stream.unwrapScoped(
    Effect.gen(function*() {
      const controller = new AbortController()
      const iterator = yield* Effect.acquireRelease(
        Effect.try({
          try: () => {
            const opened = open(controller.signal)
            return Symbol.asyncIterator in opened ? opened[Symbol.asyncIterator]() : opened
          },
          catch: (thrown) => thrown
        }).pipe(Effect.either),
        (opened) =>
          Effect.promise(async () => {
            controller.abort(new DOMException("The read was stopped.", "AbortError"))
            if (opened._tag === "Left") return
            try {
              // Resolves once a `next()` still running has settled (the abort
              // above makes a pending request reject promptly).
              await opened.right.return?.()
            } catch {
              // A generator that throws while closing has nothing more to say.
            }
          })
      )
      if (iterator._tag === "Left") {
        const thrown = iterator.left
        return Stream.fromEffect(Effect.flatMap(Effect.promise(() => onError(thrown)), Effect.fail))
      }
      const it = iterator.right
      return Stream.repeatEffectOption(
        Effect.tryPromise({ try: () => it.next(), catch: (thrown) => thrown }).pipe(
          Effect.catchAll(fail),
          Effect.flatMap((result) => (result.done === true ? Effect.fail(Option.none()) : Effect.succeed(result.value)))
        )
      )
    })
  )
}
