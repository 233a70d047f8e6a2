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

  it("is a UUIDv7 (version 7, RFC 9562 variant) whose 32-bit counter sits where uuid's v7 puts seq", () => {
    const bytes = (id: string) => Array.from({ length: 16 }, (_, i) => Number.parseInt(id.slice(4 + 2 * i, 6 + 2 * i), 16))
    // seq's bits: 4 after the version nibble, 8, 6 after the variant bits, 8, then the top 6 of byte 10.
    const seqOf = (b: ReadonlyArray<number>) =>
      (((b[6]! & 0x0f) << 28) | (b[7]! << 20) | ((b[8]! & 0x3f) << 14) | (b[9]! << 6) | (b[10]! >>> 2)) >>> 0
    const ms = Date.UTC(2026, 10, 26, 18)
    Ids.at("evt", ms - 1)
    const ids = Array.from({ length: 300 }, () => Ids.at("evt", ms))
    const first = bytes(ids[0]!)
    expect(seqOf(first)).toBeLessThan(2 ** 31)
    ids.forEach((id, i) => {
      const b = bytes(id)
      expect(b[6]! >>> 4).toBe(7)
      expect(b[8]! >>> 6).toBe(0b10)
      expect(Number.parseInt(id.slice(4, 16), 16)).toBe(ms)
      expect(seqOf(b)).toBe(seqOf(first) + i)
    })
    // The random tail (42 bits) differs between ids of one millisecond.
    expect(new Set(ids.map((id) => id.slice(-10))).size).toBeGreaterThan(290)
  })
})
