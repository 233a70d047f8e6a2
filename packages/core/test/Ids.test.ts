import { describe, expect, it } from "@effect/vitest"
import { Event, Ids } from "@weft/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"

const isEventId = Schema.is(Event.EventId)

describe("Ids", () => {
  it.effect("an event id is evt_ + 32 lowercase hex digits, valid as an EventId", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 10, 26, 18))
      const id = yield* Ids.make("evt")
      expect(id).toMatch(/^evt_[0-9a-f]{32}$/)
      expect(isEventId(id)).toBe(true)
      expect(Either.isRight(Schema.decodeUnknownEither(Event.EventId)(id))).toBe(true)
      for (const prefix of ["int", "syn", "run", "dst"] as const) {
        expect(yield* Ids.make(prefix)).toMatch(new RegExp(`^${prefix}_[0-9a-f]{32}$`))
      }
    }))

  it.effect("is stamped with the Clock's time, and timestampOf reads it back", () =>
    Effect.gen(function*() {
      for (const ms of [0, 1, 1_764_180_000_000, Date.UTC(2100, 0, 1), 2 ** 48 - 1]) {
        yield* TestClock.setTime(ms)
        expect(Ids.timestampOf(yield* Ids.make("evt"))).toBe(ms)
        expect(Ids.timestampOf(Ids.at("run", ms))).toBe(ms)
      }
    }))

  it.effect("ids sort by creation time across milliseconds", () =>
    Effect.gen(function*() {
      const ids: Array<string> = []
      const start = Date.UTC(2026, 0, 1)
      // Steps of 1 ms, and steps that change many digits at once.
      for (const step of [0, 1, 2, 255, 256, 4096, 65_536, 86_400_000, 2 ** 32]) {
        yield* TestClock.setTime(start + step)
        ids.push(yield* Ids.make("evt"))
      }
      expect([...ids].sort()).toEqual(ids)
      expect(new Set(ids).size).toBe(ids.length)
    }))

  it.effect("10 000 ids made in one millisecond are unique and in creation order", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 10, 26, 18))
      const ids = yield* Effect.all(Array.from({ length: 10_000 }, () => Ids.make("evt")))
      expect(new Set(ids).size).toBe(10_000)
      expect([...ids].sort()).toEqual(ids)
      expect(new Set(ids.map(Ids.timestampOf)).size).toBe(1)
    }))
})
