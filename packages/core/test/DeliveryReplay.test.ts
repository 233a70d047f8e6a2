import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import type { Sink } from "@weft/core/sink"
import type { Weft } from "@weft/core/host"
import { employee } from "./support/MemoryProvider.js"
import { advanceTo, attemptsOf, entry, seeded, T0, testDeliveryOptions, until, withWeft } from "./support/delivery.js"
import type { RecordingSinkHandle } from "./support/delivery.js"

/** Replay through the host API: by event id, by run, by time range. */

const HOUR = 3_600_000
const ack: Sink.Outcome = { _tag: "Acked", status: 200 }
const destination = { url: "https://hooks.example.com/weft", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }

/** Record 3 is refused for good (dead-lettered with its payload); everything else is acked. */
const refuseRecord3 = (sink: RecordingSinkHandle) =>
  sink.setScript((d) =>
    "recordId" in d.event && d.event.recordId === "3" && d.event.type === "record.new"
      ? { _tag: "Abort", status: 422, reason: "unprocessable" }
      : ack
  )

/** Connects, waits for the initial run and for all of its events to settle. */
const connectAndSettle = (weft: Weft.WeftService, recordCount: number) =>
  Effect.gen(function*() {
    const { syncs } = yield* weft.integrations.connect({
      connector: "memory",
      tenant: "acme",
      credentials: { token: "good" },
      syncs: [{ destination, frequency: "1 day" }]
    })
    const sync = syncs[0]!
    const [run] = yield* until(weft.runs.list({ syncId: sync.id }), (rs) => rs.length === 1 && rs[0]!.status !== "running")
    // Its record events, then processed, allEmitted and allConsumed.
    const events = yield* settled(weft, run!.id, recordCount + 3)
    return { sync, run: run!, events }
  })

/** The run's events once all `n` exist and none is pending. */
const settled = (weft: Weft.WeftService, runId: string, n: number) =>
  until(weft.events.list({ runId }), (es) => es.length === n && es.every((e) => e.status !== "pending"))

describe("Replay", () => {
  it.effect("by event id: a dead-lettered event is re-sent as stored, with the same id; an acked record event is re-read into a new event", () => {
    const provider = seeded(4)
    return withWeft(provider, ({ sink, weft }) =>
      Effect.gen(function*() {
        yield* refuseRecord3(sink)
        const { run, sync } = yield* connectAndSettle(weft, 4)
        const all = yield* weft.events.list({ runId: run.id })
        const dead = all.find((e) => e.status === "dead")!
        expect(dead).toMatchObject({ recordId: "3", type: "record.new" })
        const firstSend = attemptsOf(yield* sink.deliveries, dead.id)
        expect(firstSend).toHaveLength(1)

        yield* sink.setScript(() => ack)
        const replayed = yield* weft.events.replay({ eventId: dead.id })
        expect(replayed).toEqual({ requeued: [dead.id], resynced: [], skipped: [], unknown: [] })
        expect(yield* entry(dead.id)).toMatchObject({ status: "pending", attempts: 0, replay: true })
        // The workers' poll finds it at the latest (the test below wants it at once).
        yield* TestClock.adjust(testDeliveryOptions.pollInterval!)
        const acked = yield* until(entry(dead.id), (e) => e.status === "acked")
        expect(acked.replay).toBe(true)
        const sends = attemptsOf(yield* sink.deliveries, dead.id)
        expect(sends).toHaveLength(2)
        // The very same event: same id, same body.
        expect(sends[1]!.event).toEqual(firstSend[0]!.event)
        // A replay does not move the run's counters: still one allConsumed, still counting it dead.
        const consumed = (yield* sink.deliveries).filter((d) => d.event.type === "sync.events.allConsumed")
        expect(consumed.map((d) => d.event.data)).toEqual([{ acked: 3, deadLettered: 1 }])

        // An acked record event has no payload left: its record is read again, into a new event.
        provider.employees.put(employee(1, { orgStructure: { jobTitle: "Principal", department: "R&D" } }))
        const deliveredOne = all.find((e) => e.recordId === "1")!
        expect(deliveredOne.status).toBe("acked")
        const resync = yield* weft.events.replay({ eventId: deliveredOne.id })
        expect(resync.requeued).toEqual([])
        expect(resync.resynced).toHaveLength(1)
        expect(resync.resynced[0]).toMatchObject({ eventId: deliveredOne.id, recordId: "1" })
        const resyncRun = yield* weft.runs.get(resync.resynced[0]!.runId)
        expect(resyncRun).toMatchObject({ syncId: sync.id, type: "manual" })
        // A forced re-read run: its record event, allEmitted, allConsumed.
        yield* settled(weft, resyncRun.id, 4)
        const newEvents = (yield* weft.events.list({ runId: resyncRun.id })).filter((e) => e.recordId !== undefined)
        expect(newEvents).toHaveLength(1)
        expect(newEvents[0]!.id).not.toBe(deliveredOne.id)
        expect(newEvents[0]).toMatchObject({ recordId: "1", type: "record.changed", status: "acked" })
        const sent = attemptsOf(yield* sink.deliveries, newEvents[0]!.id)[0]!.event
        expect(sent).toMatchObject({ syncType: "manual_sync", recordId: "1" })
        expect((sent.data as { orgStructure: { jobTitle: string } }).orgStructure.jobTitle).toBe("Principal")
      }))
  })

  it.effect("a replayed event goes out at once, not at the workers' next poll", () =>
    withWeft(seeded(4), ({ sink, weft }) =>
      Effect.gen(function*() {
        yield* refuseRecord3(sink)
        const { run } = yield* connectAndSettle(weft, 4)
        const dead = (yield* weft.events.list({ runId: run.id })).find((e) => e.status === "dead")!
        yield* sink.setScript(() => ack)
        yield* weft.events.replay({ eventId: dead.id })
        // Without moving the clock: a requeue must wake the destination's worker like any enqueue does.
        yield* until(entry(dead.id), (e) => e.status === "acked")
        expect(attemptsOf(yield* sink.deliveries, dead.id).map((d) => d.at)).toEqual([T0, T0])
      })))

  it.effect("by run: held events (the dead one, the run events) are re-sent, delivered record events re-read", () => {
    const provider = seeded(4)
    return withWeft(provider, ({ sink, weft }) =>
      Effect.gen(function*() {
        yield* refuseRecord3(sink)
        const { run } = yield* connectAndSettle(weft, 4)
        const all = yield* weft.events.list({ runId: run.id })
        yield* sink.setScript(() => ack)
        const result = yield* weft.events.replay({ runId: run.id })

        const dead = all.find((e) => e.status === "dead")!
        // Run events hold no record data, so they keep their payload and are re-sent as sent.
        const runEvents = all.filter((e) => e.type.startsWith("sync.events."))
        expect([...result.requeued].sort()).toEqual([dead.id, ...runEvents.map((e) => e.id)].sort())
        expect(result.resynced.map((r) => r.recordId).sort()).toEqual(["1", "2", "4"])
        // One forced re-read for the run's records.
        expect(new Set(result.resynced.map((r) => r.runId)).size).toBe(1)
        expect(result.skipped).toEqual([])

        const resyncRunId = result.resynced[0]!.runId
        const again = yield* settled(weft, resyncRunId, 6)
        expect(again.filter((e) => e.recordId !== undefined).map((e) => `${e.type}:${e.recordId}`).sort()).toEqual([
          "record.changed:1",
          "record.changed:2",
          "record.changed:4"
        ])
        yield* until(entry(dead.id), (e) => e.status === "acked")
        expect(attemptsOf(yield* sink.deliveries, dead.id)).toHaveLength(2)
      }))
  })

  it.effect("by time range: only events created in [from, to) are replayed", () => {
    const provider = seeded(2)
    return withWeft(provider, ({ sink, weft }) =>
      Effect.gen(function*() {
        yield* refuseRecord3(sink)
        const { run: first, sync } = yield* connectAndSettle(weft, 2)
        expect(first.startedAt).toBe(T0)
        yield* advanceTo(T0 + 2 * HOUR)
        provider.employees.put(employee(2, { orgStructure: { jobTitle: "Lead", department: "R&D" } }))
        provider.employees.put(employee(3))
        const second = yield* weft.syncs.triggerAndWait(sync.id, { type: "delta" })
        const secondEvents = yield* settled(weft, second.id, 5)
        const deadOfSecond = secondEvents.find((e) => e.status === "dead")!
        expect(deadOfSecond.recordId).toBe("3")

        const before = (yield* sink.deliveries).length
        yield* sink.setScript(() => ack)
        const result = yield* weft.events.replay({ from: T0 + HOUR, to: T0 + 3 * HOUR, syncId: sync.id })
        const runEventsOfSecond = secondEvents.filter((e) => e.type.startsWith("sync.events.")).map((e) => e.id)
        expect([...result.requeued].sort()).toEqual([deadOfSecond.id, ...runEventsOfSecond].sort())
        expect(result.resynced.map((r) => r.recordId)).toEqual(["2"])
        const firstIds = new Set((yield* weft.events.list({ runId: first.id })).map((e) => e.id))
        for (const id of [...result.requeued, ...result.resynced.map((r) => r.eventId), ...result.skipped.map((s) => s.eventId)]) {
          expect(firstIds.has(id)).toBe(false)
        }
        yield* until(entry(deadOfSecond.id), (e) => e.status === "acked")
        yield* settled(weft, result.resynced[0]!.runId, 4)
        const resent = (yield* sink.deliveries).slice(before)
        expect(resent.some((d) => firstIds.has(d.eventId))).toBe(false)
      }))
  })

  it.effect("unknown event ids, an unknown run or sync are reported in the result, next to what was replayed", () => {
    const provider = seeded(2)
    return withWeft(provider, ({ sink, weft }) =>
      Effect.gen(function*() {
        yield* refuseRecord3(sink)
        const { run } = yield* connectAndSettle(weft, 2)
        const known = (yield* weft.events.list({ runId: run.id })).find((e) => e.type === "sync.events.allEmitted")!

        const one = yield* weft.events.replay({ eventId: "evt_nope" })
        expect(one).toEqual({ requeued: [], resynced: [], skipped: [], unknown: ["evt_nope"] })

        const several = yield* weft.events.replay({ eventIds: ["evt_missing_1", known.id, "evt_missing_2"] })
        expect(several.requeued).toEqual([known.id])
        expect(several.unknown).toEqual(["evt_missing_1", "evt_missing_2"])

        expect((yield* weft.events.replay({ runId: "run_nope" })).unknown).toEqual(["run_nope"])
        expect((yield* weft.events.replay({ from: 0, to: T0 + HOUR, syncId: "syn_nope" })).unknown).toEqual(["syn_nope"])
        expect((yield* weft.events.replay({ runId: run.id })).unknown).toEqual([])
      }))
  })
})
