import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as GroupCommit from "../src/internal/groupCommit.js"

// A fake transaction log: which inputs went through together.
const setup = (failIf: (input: number) => boolean = () => false) =>
  Effect.gen(function*() {
    const transactions: Array<ReadonlyArray<number>> = []
    const group = GroupCommit.make<number, number, string>({
      maxBatch: 4,
      together: (inputs) =>
        Effect.gen(function*() {
          // A transaction takes a while: calls arriving meanwhile wait for the next one.
          yield* Effect.sleep("10 millis")
          if (inputs.some(failIf)) return yield* Effect.fail("rolled back")
          transactions.push(inputs)
          return inputs.map((n) => n * 10)
        }),
      alone: (input) =>
        Effect.gen(function*() {
          yield* Effect.sleep("10 millis")
          if (failIf(input)) return yield* Effect.fail(`bad input ${input}`)
          transactions.push([input])
          return input * 10
        })
    })
    return { group, transactions }
  })

describe("group commit", () => {
  it.effect("a lone call runs at once in its own transaction", () =>
    Effect.gen(function*() {
      const { group, transactions } = yield* setup()
      const fiber = yield* Effect.fork(group.run(7))
      yield* TestClock.adjust("10 millis")
      expect(yield* Fiber.join(fiber)).toBe(70)
      expect(transactions).toEqual([[7]])
    }))

  it.effect("calls that arrive during a transaction share the next one, up to the batch size", () =>
    Effect.gen(function*() {
      const { group, transactions } = yield* setup()
      const first = yield* Effect.fork(group.run(1))
      yield* Effect.yieldNow()
      const rest = yield* Effect.fork(Effect.forEach([2, 3, 4, 5, 6, 7], (n) => group.run(n), { concurrency: "unbounded" }))
      yield* Effect.yieldNow()
      yield* TestClock.adjust("100 millis")
      expect(yield* Fiber.join(first)).toBe(10)
      expect(yield* Fiber.join(rest)).toEqual([20, 30, 40, 50, 60, 70])
      expect(transactions).toEqual([[1], [2, 3, 4, 5], [6, 7]])
    }))

  it.effect("a failing call fails alone: the others of its batch are applied one by one", () =>
    Effect.gen(function*() {
      const { group, transactions } = yield* setup((n) => n === 3)
      const first = yield* Effect.fork(group.run(1))
      yield* Effect.yieldNow()
      const rest = yield* Effect.fork(Effect.forEach([2, 3, 4], (n) => Effect.exit(group.run(n)), { concurrency: "unbounded" }))
      yield* Effect.yieldNow()
      yield* TestClock.adjust("100 millis")
      yield* Fiber.join(first)
      const exits = yield* Fiber.join(rest)
      expect(exits[0]).toEqual(Exit.succeed(20))
      expect(exits[1]).toEqual(Exit.fail("bad input 3"))
      expect(exits[2]).toEqual(Exit.succeed(40))
      expect(transactions).toEqual([[1], [2], [4]])
    }))

  it.effect("a caller interrupted while it waits does not take the others' transaction with it", () =>
    Effect.gen(function*() {
      const { group, transactions } = yield* setup()
      const first = yield* Effect.fork(group.run(1))
      yield* Effect.yieldNow()
      const leaving = yield* Effect.fork(group.run(2))
      const staying = yield* Effect.fork(group.run(3))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(leaving)
      yield* TestClock.adjust("100 millis")
      expect(yield* Fiber.join(first)).toBe(10)
      expect(yield* Fiber.join(staying)).toBe(30)
      // Applied all the same (at least once is what a settle promises).
      expect(transactions).toEqual([[1], [2, 3]])
    }))
})
