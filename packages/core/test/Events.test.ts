import { describe, expect, it } from "@effect/vitest"
import { Event, Model } from "@weft/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

const envelope = {
  id: "evt_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b",
  timestamp: "2026-11-26T18:00:00.000Z",
  integrationId: "int_1",
  connector: "bamboohr",
  tenant: "acme",
  syncId: "syn_1",
  syncRunId: "run_1",
  syncType: "delta_sync"
} as const

const samples: Record<Event.EventType, Record<string, unknown>> = {
  "record.new": {
    type: "record.new",
    ...envelope,
    syncType: "initial_sync",
    model: "hris.employee",
    recordId: "42",
    data: { id: "42", profile: { firstName: "Ada" } }
  },
  "record.changed": {
    type: "record.changed",
    ...envelope,
    model: "hris.employee",
    recordId: "42",
    data: { id: "42", profile: { firstName: "Ada", lastName: "King" } }
  },
  "record.deleted": {
    type: "record.deleted",
    ...envelope,
    model: "hris.employee",
    recordId: "42",
    data: { id: "42", reason: "inactive" }
  },
  "sync.events.processed": {
    type: "sync.events.processed",
    ...envelope,
    model: "hris.employee",
    data: {
      model: "hris.employee",
      processed: 120,
      emitted: { new: 1, changed: 2, deleted: 3 },
      startedAt: "2026-11-26T17:59:00.000Z",
      finishedAt: "2026-11-26T18:00:00.000Z"
    }
  },
  "sync.events.allEmitted": {
    type: "sync.events.allEmitted",
    ...envelope,
    syncType: "manual_sync",
    data: {
      status: "partial",
      processed: 120,
      emitted: { new: 1, changed: 2, deleted: 3, total: 6 },
      invalid: 1,
      startedAt: "2026-11-26T17:59:00.000Z",
      finishedAt: "2026-11-26T18:00:00.000Z"
    }
  },
  "sync.events.allConsumed": {
    type: "sync.events.allConsumed",
    ...envelope,
    data: { acked: 5, deadLettered: 1 }
  }
}

const decode = Schema.decodeUnknown(Event.WeftEvent)
const decodeFirst = Schema.decodeUnknownEither(Event.WeftEvent, { errors: "first" })
const encode = Schema.encode(Event.WeftEvent)

describe("Events", () => {
  it("the catalogue lists every event type once, with a sample here for each", () => {
    expect(new Set(Event.eventTypes).size).toBe(6)
    expect(Object.keys(samples).sort()).toEqual([...Event.eventTypes].sort())
  })

  for (const type of Event.eventTypes) {
    it.effect(`${type}: wire JSON → decode → encode → the same JSON`, () =>
      Effect.gen(function*() {
        const wire = JSON.parse(JSON.stringify(samples[type])) as unknown
        const event = yield* decode(wire)
        expect(event.type).toBe(type)
        const encoded = yield* encode(event)
        expect(JSON.parse(JSON.stringify(encoded))).toEqual(wire)
        expect(yield* decode(encoded)).toEqual(event)
      }))
  }

  it("drops unknown routing fields instead of failing (receivers stay forward compatible)", () => {
    const event = Either.getOrThrow(decodeFirst({ ...samples["record.new"], traceId: "t" }))
    expect("traceId" in event).toBe(false)
  })

  it("rejects a bad event id, naming the field and the expected form", () => {
    const result = decodeFirst({ ...samples["record.changed"], id: "evt_XYZ" })
    expect(Either.isLeft(result) && Model.describeParseError(result.left)).toBe(
      "id: Expected an event id: evt_ followed by 32 lowercase hex digits"
    )
    // 31 hex digits, and upper case, are not ids either.
    expect(Either.isLeft(decodeFirst({ ...samples["record.new"], id: "evt_0193a1b2c3d47e5f8a9b0c1d2e3f4a5" }))).toBe(true)
    expect(Either.isLeft(decodeFirst({ ...samples["record.new"], id: "evt_0193A1B2C3D47E5F8A9B0C1D2E3F4A5B" }))).toBe(true)
  })

  it("rejects an unknown type, listing the known ones", () => {
    const result = decodeFirst({ ...samples["record.new"], type: "record.updated" })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      const described = Model.describeParseError(result.left)
      expect(described.startsWith("type: ")).toBe(true)
      for (const type of Event.eventTypes) expect(described).toContain(`"${type}"`)
      expect(described).toContain(`actual "record.updated"`)
    }
  })

  it("rejects a missing field, naming it", () => {
    const { recordId: _, ...noRecordId } = samples["record.deleted"]
    const result = decodeFirst(noRecordId)
    expect(Either.isLeft(result) && Model.describeParseError(result.left)).toBe("recordId: is missing")
    const { data: __, ...noData } = samples["sync.events.allConsumed"]
    const noDataResult = decodeFirst(noData)
    expect(Either.isLeft(noDataResult) && Model.describeParseError(noDataResult.left)).toBe("data: is missing")
  })

  it("rejects a bad nested value, naming its path", () => {
    const result = decodeFirst({
      ...samples["record.deleted"],
      data: { id: "42", reason: "gone" }
    })
    expect(Either.isLeft(result) && Model.describeParseError(result.left).startsWith("data.reason: ")).toBe(true)
    const late = decodeFirst({ ...samples["sync.events.allConsumed"], timestamp: "yesterday" })
    expect(Either.isLeft(late) && Model.describeParseError(late.left)).toBe(
      "timestamp: Expected an ISO 8601 instant with a zone, e.g. 2026-11-26T18:00:00.000Z"
    )
  })

  it.effect("isRecordEvent tells record events from run events", () =>
    Effect.gen(function*() {
      for (const type of Event.eventTypes) {
        const event = yield* decode(samples[type])
        expect(Event.isRecordEvent(event)).toBe(type.startsWith("record."))
      }
    }))
})
