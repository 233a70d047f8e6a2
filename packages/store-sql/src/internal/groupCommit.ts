import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/**
 * Group commit: concurrent calls of one operation share a transaction.
 *
 * Delivery settles every attempt on its own, dozens at a time. Each settle
 * is a short write transaction, and on both dialects the commit (and, on
 * Postgres, the row lock on the run's counters that every settle of a run
 * takes) costs more than the statements. So the calls that arrive while a
 * transaction is running wait for it to end, then all go in the next one:
 * under load a transaction carries many settles; alone, a call runs at once.
 *
 * If a shared transaction fails, its calls run again one transaction each,
 * so one bad call fails alone and the others are not held back by it.
 *
 * @internal
 */
export interface GroupCommit<I, O, E> {
  readonly run: (input: I) => Effect.Effect<O, E>
}

interface Waiting<I, O, E> {
  readonly input: I
  readonly done: Deferred.Deferred<O, E>
}

/**
 * @param together runs a batch in one transaction, returning one output per input, in order
 * @param alone runs one input in its own transaction
 * @param maxBatch the most inputs one transaction takes
 *
 * @internal
 */
export const make = <I, O, E>(options: {
  readonly together: (inputs: ReadonlyArray<I>) => Effect.Effect<ReadonlyArray<O>, E>
  readonly alone: (input: I) => Effect.Effect<O, E>
  readonly maxBatch: number
}): GroupCommit<I, O, E> => {
  let queue: Array<Waiting<I, O, E>> = []
  let flushing = false

  const complete = (batch: ReadonlyArray<Waiting<I, O, E>>, outputs: ReadonlyArray<O>) =>
    Effect.forEach(batch, (w, i) => Deferred.succeed(w.done, outputs[i]!), { discard: true })

  const one = (w: Waiting<I, O, E>) => Effect.flatMap(Effect.exit(options.alone(w.input)), (exit) => Deferred.done(w.done, exit))

  const flush: Effect.Effect<void> = Effect.suspend(() => {
    if (queue.length === 0) {
      flushing = false
      return Effect.void
    }
    const batch = queue.length <= options.maxBatch ? queue : queue.slice(0, options.maxBatch)
    queue = batch === queue ? [] : queue.slice(options.maxBatch)
    const step = batch.length === 1
      ? one(batch[0]!)
      : Effect.flatMap(Effect.exit(options.together(batch.map((w) => w.input))), (exit) =>
        Exit.isSuccess(exit) ? complete(batch, exit.value) : Effect.forEach(batch, one, { discard: true }))
    return Effect.zipRight(step, flush)
  })

  return {
    run: (input) =>
      Effect.flatMap(Deferred.make<O, E>(), (done) =>
        Effect.zipRight(
          Effect.suspend(() => {
            queue.push({ input, done })
            if (flushing) return Effect.void
            flushing = true
            // A fiber of its own, not the caller's: a caller that is interrupted does not take the
            // others' transaction with it. It ends when nobody waits; if the database goes away, the
            // calls fail rather than wait.
            return Effect.asVoid(Effect.forkDaemon(flush))
          }),
          Deferred.await(done)
        ))
  }
}
