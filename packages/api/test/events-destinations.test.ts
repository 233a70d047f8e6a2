import { describe, expect, it } from "@effect/vitest"
import { Receiver } from "@weft/sink-webhook"
import { WebhookReceiver } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import {
  call,
  connectedBamboo,
  expectBadRequest,
  expectError,
  expectOk,
  type Json,
  keysOf,
  settledRun,
  until,
  whileAdvancing
} from "./flows.js"
import { type Harness, harness, ROTATED_SECRET, WEBHOOK_SECRET } from "./support.js"

const verifies = (secrets: ReadonlyArray<string>, request: WebhookReceiver.ReceivedRequest) =>
  Receiver.verifySync(secrets, request.headers, request.bytes, { toleranceSeconds: Infinity }).ok

/** Every event of a query, through all its pages. */
const allEvents = (h: Harness, query: string, limit = 500) =>
  Effect.gen(function*() {
    const out: Array<Json> = []
    let cursor: string | undefined
    do {
      const page = yield* call(h, "GET", `/events?${query}&limit=${limit}${cursor === undefined ? "" : `&cursor=${cursor}`}`)
      expectOk(page)
      out.push(...page.json.items)
      cursor = page.json.next
    } while (cursor !== undefined)
    return out
  })

/** A delta run after changing employee 3's title, once its events were consumed. */
const changeAndRun = (h: Harness, syncId: string, title: string) =>
  Effect.gen(function*() {
    yield* TestClock.adjust("1 minute")
    h.bamboo.changeTitle("3", title)
    const before = (yield* call(h, "GET", `/runs?syncId=${syncId}&limit=1`)).json.items[0]?.id
    expectOk(yield* call(h, "POST", `/syncs/${syncId}/trigger`, { body: {} }), 202)
    return yield* until(async () => {
      const newest = (await h.call("GET", `/runs?syncId=${syncId}&limit=1`)).json.items[0]
      return newest !== undefined && newest.id !== before && newest.status !== "running" ? newest : undefined
    })
  })

describe("events", () => {
  it.scoped("list by run, type, status and time, paged in the order written; 400 for bad filters", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { run, sync } = yield* connectedBamboo(h)
      const events = yield* allEvents(h, `runId=${run.id}`)
      expect(events.filter((e) => e.type === "record.new").length).toBe(12)
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["sync.events.processed", "sync.events.allEmitted"]))
      const first = events.find((e) => e.type === "record.new")!
      expect(first).toMatchObject({
        id: expect.stringMatching(/^evt_/),
        runId: run.id,
        syncId: sync.id,
        destinationId: sync.destinationId,
        model: "hris.employee",
        status: "acked",
        attempts: 1,
        createdAt: "1970-01-01T00:00:00.000Z",
        replay: false
      })
      expect(first.nextAttemptAt).toBeUndefined()

      const paged = yield* allEvents(h, `runId=${run.id}`, 5)
      expect(paged.map((e) => e.id)).toEqual(events.map((e) => e.id))
      expect((yield* allEvents(h, `syncId=${sync.id}&type=record.new&status=acked`)).length).toBe(12)
      expect(yield* allEvents(h, "status=dead")).toEqual([])
      expect((yield* allEvents(h, "from=1970-01-01T00:00:00Z&to=1970-01-01T00:00:01Z")).length).toBe(events.length)
      expect(yield* allEvents(h, "from=2026-01-01T00:00:00Z")).toEqual([])

      expectBadRequest(yield* call(h, "GET", "/events?type=record.exploded"), "query.type")
      expectBadRequest(yield* call(h, "GET", "/events?status=sent"), "query.status")
      expectBadRequest(yield* call(h, "GET", "/events?from=yesterday"), "query.from")
      expectBadRequest(yield* call(h, "GET", "/events?limit=ten"), "query.limit")
    }))

  it.scoped("attempts: each delivery with its status code, a failed one then the retry that was acknowledged; 404", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { sync } = yield* connectedBamboo(h)
      h.receiver.setScript((delivery, attempt) =>
        attempt === 1 && delivery.body.includes("\"record.changed\"") ? WebhookReceiver.status(503) : undefined
      )
      const run = yield* changeAndRun(h, sync.id, "Head of Retries")
      const [event] = yield* allEvents(h, `runId=${run.id}&type=record.changed`)
      expect(event).toMatchObject({ recordId: "3" })
      yield* Effect.promise(() => h.receiver.until((r) => r.attempts(event.id).some((a) => a.answer._tag === "Answered"), 20_000))
      // The retry waits on the Clock.
      const acked = yield* whileAdvancing(
        (async () => {
          for (;;) {
            const [now] = (await h.call("GET", `/events?runId=${run.id}&type=record.changed`)).json.items
            if (now.status === "acked") return now
            await new Promise((resolve) => setTimeout(resolve, 20))
          }
        })(),
        "30 seconds"
      )
      expect(acked.attempts).toBe(2)
      const attempts = yield* call(h, "GET", `/events/${event.id}/attempts`)
      expectOk(attempts)
      expect(attempts.json.items).toEqual([
        expect.objectContaining({ outcome: "retry", statusCode: 503 }),
        expect.objectContaining({ outcome: "acked", statusCode: 204 })
      ])
      for (const attempt of attempts.json.items) {
        expect(Number.isNaN(Date.parse(attempt.at))).toBe(false)
        expect(attempt.durationMs).toBeGreaterThanOrEqual(0)
      }
      expect(h.receiver.attempts(event.id).map((r) => r.answer)).toEqual([
        { _tag: "Answered", status: 503 },
        { _tag: "Answered", status: 204 }
      ])

      const missing = yield* call(h, "GET", "/events/evt_missing/attempts")
      expectError(missing, 404, "NotFound")
      expect(missing.json).toMatchObject({ entity: "event", id: "evt_missing" })
    }))

  it.scoped("replay by event, by several ids, by run and by time range redelivers to the receiver", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { run } = yield* connectedBamboo(h)
      const records = (yield* allEvents(h, `runId=${run.id}&type=record.new`))
      const replay = (body: unknown) => call(h, "POST", "/events/replay", { body })
      // Record deliveries for a record id, from now on.
      const deliveredFor = (recordId: string) => () =>
        h.receiver.requests().filter((r) => r.acked && r.event !== undefined && "recordId" in r.event && r.event.recordId === recordId)
      const replayed = (result: Json) => [...result.requeued, ...result.resynced.map((r: Json) => r.eventId)]

      h.receiver.clear()
      const one = yield* replay({ eventId: records[0].id })
      expectOk(one)
      expect(replayed(one.json)).toEqual([records[0].id])
      expect(one.json.unknown).toEqual([])
      yield* Effect.promise(() => h.receiver.until(() => deliveredFor(records[0].recordId)().length >= 1, 20_000))

      h.receiver.clear()
      const several = yield* replay({ eventIds: [records[1].id, records[2].id, "evt_missing"] })
      expect(replayed(several.json).sort()).toEqual([records[1].id, records[2].id].sort())
      expect(several.json.unknown).toEqual(["evt_missing"])
      yield* Effect.promise(() =>
        h.receiver.until(() => deliveredFor(records[1].recordId)().length >= 1 && deliveredFor(records[2].recordId)().length >= 1, 20_000)
      )

      h.receiver.clear()
      const byRun = yield* replay({ runId: run.id })
      expect(replayed(byRun.json).length).toBeGreaterThanOrEqual(12)
      yield* Effect.promise(() =>
        h.receiver.until(() => records.every((e) => deliveredFor(e.recordId)().length >= 1), 20_000)
      )

      h.receiver.clear()
      const byTime = yield* replay({ from: "1970-01-01T00:00:00.000Z", to: "1970-01-01T00:00:00.001Z" })
      expectOk(byTime)
      expect(replayed(byTime.json).length).toBeGreaterThanOrEqual(12)
      yield* Effect.promise(() =>
        h.receiver.until(() => records.every((e) => deliveredFor(e.recordId)().length >= 1), 20_000)
      )
      expect(h.receiver.requests().every((r) => r.verified)).toBe(true)

      expect((yield* replay({ runId: "run_missing" })).json).toMatchObject({ requeued: [], resynced: [], unknown: ["run_missing"] })
      expectBadRequest(yield* replay({}), "body")
      expectBadRequest(yield* replay({ eventIds: [] }), "body.eventIds")
      expectBadRequest(yield* replay({ eventId: 7 }), "body.eventId")
      expectError(yield* replay({ from: "yesterday", to: "today" }), 400, "BadRequest", "invalid_input")
    }))
})

describe("destinations", () => {
  it.scoped("list, get, create: never a secret, only how many; 400 and 404", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { sync } = yield* connectedBamboo(h)
      const answers = []
      const list = yield* call(h, "GET", "/destinations")
      answers.push(list)
      expect(list.json.items).toEqual([
        expect.objectContaining({ id: sync.destinationId, url: h.receiver.url, enabled: true, secretCount: 1, maxConcurrency: 32 })
      ])
      const one = yield* call(h, "GET", `/destinations/${sync.destinationId}`)
      answers.push(one)
      expect(one.json).toEqual(list.json.items[0])

      const created = yield* call(h, "POST", "/destinations", {
        body: { url: `${h.receiver.url}/other`, secrets: [WEBHOOK_SECRET, ROTATED_SECRET], maxConcurrency: 2 }
      })
      answers.push(created)
      expectOk(created, 201)
      expect(created.json).toMatchObject({ url: `${h.receiver.url}/other`, enabled: true, secretCount: 2, maxConcurrency: 2 })
      answers.push(yield* call(h, "GET", "/destinations"))
      for (const answer of answers) {
        expect(keysOf(answer.json)).not.toContain("secrets")
        expect(answer.text).not.toContain(WEBHOOK_SECRET)
        expect(answer.text).not.toContain(ROTATED_SECRET)
      }

      const create = (body: unknown) => call(h, "POST", "/destinations", { body })
      expectBadRequest(yield* create({ url: "ftp://hooks.example", secrets: [WEBHOOK_SECRET] }), "destination.url", "invalid_destination")
      const badSecret = yield* create({ url: h.receiver.url, secrets: [WEBHOOK_SECRET, "whsec_!!"] })
      expectBadRequest(badSecret, "destination.secrets", "invalid_destination")
      expect(badSecret.text).not.toContain(WEBHOOK_SECRET)
      expectBadRequest(yield* create({ url: h.receiver.url, secrets: [] }), "body.secrets")
      expectBadRequest(yield* create({ secrets: [WEBHOOK_SECRET] }), "body.url")
      expectBadRequest(yield* create({ url: h.receiver.url, secrets: WEBHOOK_SECRET }), "body.secrets")
      expectError(yield* call(h, "GET", "/destinations/dst_missing"), 404, "NotFound")
    }))

  it.scoped("disable holds deliveries, enable delivers them", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { sync } = yield* connectedBamboo(h)
      const disable = yield* call(h, "POST", `/destinations/${sync.destinationId}/disable`, { body: { reason: "Maintenance window" } })
      expect(disable.status).toBe(204)
      expect((yield* call(h, "GET", `/destinations/${sync.destinationId}`)).json).toMatchObject({
        enabled: false,
        disabledReason: "Maintenance window"
      })
      h.receiver.clear()
      const run = yield* changeAndRun(h, sync.id, "Keeper of Held Events")
      const [held] = yield* allEvents(h, `runId=${run.id}&type=record.changed`)
      expect(held).toMatchObject({ status: "pending", attempts: 0 })
      expect(h.receiver.attempts(held.id)).toEqual([])

      expect((yield* call(h, "POST", `/destinations/${sync.destinationId}/enable`)).status).toBe(204)
      yield* Effect.promise(() => h.receiver.until((r) => r.attempts(held.id).some((a) => a.acked), 20_000))
      const delivered = yield* until(async () => {
        const [now] = (await h.call("GET", `/events?runId=${run.id}&type=record.changed`)).json.items
        return now.status === "acked" ? now : undefined
      })
      expect(delivered.attempts).toBe(1)
      const enabled = (yield* call(h, "GET", `/destinations/${sync.destinationId}`)).json
      expect(enabled.enabled).toBe(true)
      expect(enabled.disabledReason).toBeUndefined()

      expect((yield* call(h, "POST", `/destinations/${sync.destinationId}/disable`, { body: {} })).status).toBe(204)
      expect((yield* call(h, "GET", `/destinations/${sync.destinationId}`)).json.disabledReason).toBeTruthy()
      expectBadRequest(
        yield* call(h, "POST", `/destinations/${sync.destinationId}/disable`, { body: { reason: "x".repeat(501) } }),
        "body.reason"
      )
      expectError(yield* call(h, "POST", "/destinations/dst_missing/disable", { body: {} }), 404, "NotFound")
      expectError(yield* call(h, "POST", "/destinations/dst_missing/enable"), 404, "NotFound")
    }))

  it.scoped("rotate secrets: deliveries are then signed with the new secret; 400 and 404", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { sync } = yield* connectedBamboo(h)
      const rotate = (secrets: unknown, id = sync.destinationId) => call(h, "PUT", `/destinations/${id}/secrets`, { body: { secrets } })

      // During the rotation both are listed: deliveries carry a signature for each.
      expect((yield* rotate([WEBHOOK_SECRET, ROTATED_SECRET])).status).toBe(204)
      expect((yield* call(h, "GET", `/destinations/${sync.destinationId}`)).json.secretCount).toBe(2)
      h.receiver.clear()
      const during = yield* changeAndRun(h, sync.id, "Rotating Officer")
      yield* settledRun(h, `syncId=${sync.id}`)
      const [duringEvent] = yield* allEvents(h, `runId=${during.id}&type=record.changed`)
      const [signedBoth] = h.receiver.attempts(duringEvent.id)
      expect(verifies([WEBHOOK_SECRET], signedBoth!)).toBe(true)
      expect(verifies([ROTATED_SECRET], signedBoth!)).toBe(true)

      // Then the old one is dropped.
      expect((yield* rotate([ROTATED_SECRET])).status).toBe(204)
      expect((yield* call(h, "GET", `/destinations/${sync.destinationId}`)).json.secretCount).toBe(1)
      h.receiver.clear()
      const after = yield* changeAndRun(h, sync.id, "Rotated Officer")
      yield* settledRun(h, `syncId=${sync.id}`)
      const [afterEvent] = yield* allEvents(h, `runId=${after.id}&type=record.changed`)
      const [signedNew] = h.receiver.attempts(afterEvent.id)
      expect(verifies([ROTATED_SECRET], signedNew!)).toBe(true)
      expect(verifies([WEBHOOK_SECRET], signedNew!)).toBe(false)
      expect(h.receiver.requests().every((r) => verifies([ROTATED_SECRET], r))).toBe(true)

      expectBadRequest(yield* rotate([]), "body.secrets")
      expectBadRequest(yield* rotate(ROTATED_SECRET), "body.secrets")
      const malformed = yield* rotate([ROTATED_SECRET, "whsec_"])
      expectBadRequest(malformed, "destination.secrets", "invalid_destination")
      expect(malformed.text).not.toContain(ROTATED_SECRET)
      expectError(yield* rotate([ROTATED_SECRET], "dst_missing"), 404, "NotFound")
      expect((yield* call(h, "GET", `/destinations/${sync.destinationId}`)).json.secretCount).toBe(1)
    }))
})
