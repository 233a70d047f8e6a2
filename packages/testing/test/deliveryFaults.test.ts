import { describe, expect, it } from "@effect/vitest"
import { Delivery } from "@weft/core/delivery"
import type { ChangeDetector } from "@weft/core/engine"
import { type Rows, Store } from "@weft/core/store"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { Webhook } from "standardwebhooks"
import * as WebhookReceiver from "../src/receiver/WebhookReceiver.js"
import { addDestination, commitRun, employeeRecord, idle, layer, secret, type SinkCall } from "./deliveryFaults.support.js"
import { waitUntil } from "./waiting.js"

/**
 * Delivery end to end: the real webhook sink over undici against the
 * recording receiver, which plays 500s, timeouts, resets, 429 + Retry-After,
 * slow answers and a 410. Retries run on a short schedule in real time; the
 * standard schedule is proven on the TestClock in @weft/core.
 *
 * Nothing here depends on how fast the machine is: waits are for outcomes
 * (with bounds far above any machine's need), timing is judged from what the
 * sink and the store recorded, and the sink's timeout is long enough that
 * only a receiver that hangs on purpose meets it (one that meets it by being
 * slow is retried, which changes no assertion).
 */

const RECORDS = 100
const RUNS = 3
const SINK_TIMEOUT_MS = 2_000
const RETRY_AFTER_S = 1
/** A test's own bound: above the sum of its waits' bounds. */
const TEST_TIMEOUT_MS = 600_000

/** Disjoint shares of event ids, each failing its first attempt in its own way. */
const faultFor = (id: string): WebhookReceiver.Fault | undefined => {
  const u = WebhookReceiver.unitHash(id)
  if (u < 0.12) return WebhookReceiver.status(500, {}, "boom")
  if (u < 0.17) return WebhookReceiver.hang()
  if (u < 0.22) return WebhookReceiver.reset()
  if (u < 0.27) return WebhookReceiver.retryAfter(RETRY_AFTER_S)
  if (u < 0.37) return WebhookReceiver.slow(80)
  return undefined
}

const firstAttemptFaults: WebhookReceiver.Script = (delivery, attempt) =>
  delivery.id !== undefined && attempt === 1 ? faultFor(delivery.id) : undefined

/** Some events fail twice: their second delivery answers 503. */
const secondAttemptFaults: WebhookReceiver.Script = (delivery, attempt) =>
  delivery.id !== undefined && attempt === 2 && WebhookReceiver.unitHash(delivery.id) < 0.06 ? WebhookReceiver.status(503) : undefined

const changesOf = (run: number): ReadonlyArray<ChangeDetector.Change> =>
  Array.from({ length: RECORDS }, (_, i) => ({
    type: run === 0 ? "record.new" : "record.changed",
    recordId: String(i + 1),
    data: JSON.stringify(employeeRecord(String(i + 1), run))
  }) as const)

/**
 * Verifies every delivery with the `standardwebhooks` package as it arrives,
 * as a receiver would (its timestamp check runs on the wall clock, so it is
 * not left to the end of the test), and faults none. Failures are collected.
 */
const verifyOnArrival = (failures: Array<string>): WebhookReceiver.Script => {
  const verifier = new Webhook(secret)
  return (delivery) => {
    try {
      verifier.verify(delivery.body, {
        "webhook-id": delivery.headers["webhook-id"] ?? "",
        "webhook-timestamp": delivery.headers["webhook-timestamp"] ?? "",
        "webhook-signature": delivery.headers["webhook-signature"] ?? ""
      })
    } catch (error) {
      failures.push(`${delivery.id}: ${String(error)}`)
    }
    return undefined
  }
}

const groupBy = <A>(items: ReadonlyArray<A>, key: (a: A) => string | undefined): Map<string, Array<A>> => {
  const out = new Map<string, Array<A>>()
  for (const item of items) {
    const k = key(item)
    if (k === undefined) continue
    const group = out.get(k)
    if (group === undefined) out.set(k, [item])
    else group.push(item)
  }
  return out
}

const many = layer({
  delivery: { retrySchedule: Schedule.spaced("50 millis"), pollInterval: "200 millis", lease: "5 seconds" },
  sinkTimeout: Duration.millis(SINK_TIMEOUT_MS)
})

describe("Delivery against a faulty receiver", () => {
  it.live("every event is acked despite 500s, timeouts, resets, 429s, slow answers and a 410; retries re-sign; per-record order and allConsumed hold", () =>
    Effect.gen(function*() {
      // From the 20th delivery on, the receiver is gone (410) until the destination is seen disabled.
      // (Not just once: on a loaded machine that one answer could go to a request the sink already gave up on.)
      let seen = 0
      let goneFor = true
      const goneAt20: WebhookReceiver.Script = () => (++seen >= 20 && goneFor ? WebhookReceiver.gone() : undefined)
      const unverified: Array<string> = []
      const receiver = yield* WebhookReceiver.make({
        secrets: [secret],
        script: [verifyOnArrival(unverified), firstAttemptFaults, secondAttemptFaults, goneAt20]
      })
      const store = yield* Store.Store
      const destinationId = yield* addDestination(receiver.url)

      const runIds: Array<string> = []
      for (let run = 0; run < RUNS; run++) {
        runIds.push(yield* commitRun({ destinationId, syncId: "syn_faults", changes: changesOf(run), pageSize: 40 }))
      }

      // The 410 disables the destination; nothing is sent while it is held.
      const disabled = yield* waitUntil(store.destinations.get(destinationId), (row) => Option.isSome(row) && !row.value.enabled, "the destination disabled by the 410")
      expect(Option.getOrThrow(disabled).disabledReason).toMatch(/410 Gone/)
      goneFor = false
      // Attempts already under way end (each within the sink's timeout) and give their claims back…
      yield* waitUntil(idle(destinationId, many.log), (quiet) => quiet, "the attempts under way when the destination was disabled to settle")
      // …and after that, silence: no claim, no call, however long it is held.
      const callsWhenHeld = many.calls.length
      yield* Effect.sleep("600 millis")
      expect(many.calls.length).toBe(callsWhenHeld)
      expect(yield* idle(destinationId, many.log)).toBe(true)
      expect((yield* store.outbox.list({ status: "pending", limit: 10_000 })).length).toBeGreaterThan(0)

      yield* store.destinations.setEnabled(destinationId, true, undefined, yield* Clock.currentTimeMillis)
      yield* Effect.flatMap(Delivery.Delivery, (d) => d.wake(destinationId))

      const total = RUNS * (RECORDS + 2)
      const all = yield* waitUntil(
        store.outbox.list({ limit: 10_000 }),
        (es) => es.length === total && es.every((e) => e.status !== "pending"),
        `all ${total} events settled`
      )

      // Every event acked, none dead-lettered, each acked exactly once.
      expect(all.filter((e) => e.status !== "acked")).toEqual([])
      const calls = groupBy(many.calls, (c) => c.eventId)
      for (const e of all) expect(calls.get(e.id)!.filter((c) => c.outcome._tag === "Acked"), e.id).toHaveLength(1)

      // Every fault was played.
      const requests = receiver.requests()
      const played = new Set(requests.flatMap((r) => (r.fault === undefined ? [] : [r.fault._tag === "Status" ? `Status ${r.fault.status}` : r.fault._tag])))
      expect([...played].sort()).toEqual(["Hang", "Reset", "Slow", "Status 410", "Status 429", "Status 500", "Status 503"])

      // The receiver saw every id; every request, first or retry, carries a valid signature of its own time:
      // signed during one of the sink's calls for that event (not, say, at the first attempt's time).
      const byId = groupBy(requests, (r) => r.id)
      expect(new Set(byId.keys())).toEqual(new Set(all.map((e) => e.id)))
      expect(unverified).toEqual([])
      const signedDuring = (r: WebhookReceiver.ReceivedRequest) =>
        calls.get(r.id!)!.some((c) => Math.floor(c.startedAt / 1000) <= Number(r.timestamp) && Number(r.timestamp) <= Math.floor(c.endedAt / 1000))
      for (const r of requests) {
        expect(r.verified, r.id).toBe(true)
        expect(signedDuring(r), `${r.id} signed at ${r.timestamp}`).toBe(true)
      }
      const retried = [...byId.values()].filter((rs) => rs.length > 1)
      expect(retried.length).toBeGreaterThan(30)
      let resigned = 0
      for (const attempts of retried) {
        // Same event, same bytes; a retry in a later second carries a new timestamp and signature.
        for (const a of attempts) expect(Buffer.from(a.bytes).equals(Buffer.from(attempts[0]!.bytes))).toBe(true)
        const stamps = new Set(attempts.map((a) => a.timestamp))
        expect(new Set(attempts.map((a) => a.signature)).size).toBe(stamps.size)
        if (stamps.size > 1) resigned++
      }
      expect(resigned).toBeGreaterThan(0)

      // From the sink's side: Retry-After is honoured (the store holds the event until then, by the
      // times the sink recorded), and a hung receiver is given up on as a timed-out attempt, retried.
      const retryAfter = many.calls.filter((c) => c.outcome._tag === "Retry" && c.outcome.retryAfterMs === RETRY_AFTER_S * 1000)
      expect(retryAfter.length).toBeGreaterThan(0)
      // (Not `c` itself: an answer within the same millisecond starts and ends a call at one time.)
      const nextCall = (c: SinkCall) => calls.get(c.eventId)!.find((x) => x !== c && x.startedAt >= c.endedAt)
      for (const c of retryAfter) expect(nextCall(c)!.startedAt - c.endedAt).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000)
      const hung = requests.filter((r) => r.answer._tag === "Hung")
      expect(hung.length).toBeGreaterThan(0)
      const timedOut = (c: SinkCall) => c.outcome._tag === "Retry" && /timed out/.test(c.outcome.reason)
      for (const r of hung) expect(calls.get(r.id!)!.some(timedOut), `${r.id} hung`).toBe(true)

      // No record's event overtakes an earlier one of the same record: on the wire…
      const firstSeen = (id: string) => byId.get(id)![0]!.index
      const ackedAt = (id: string) => byId.get(id)!.find((r) => r.acked)!.index
      const byRecord = groupBy(all, (e: Rows.OutboxEntry) => e.recordId)
      expect(byRecord.size).toBe(RECORDS)
      for (const [recordId, events] of byRecord) {
        expect(events.map((e) => e.runId), recordId).toEqual(runIds)
        for (let k = 1; k < events.length; k++) {
          const [earlier, later] = [events[k - 1]!.id, events[k]!.id]
          expect(firstSeen(later), `record ${recordId}, event ${k}`).toBeGreaterThan(ackedAt(earlier))
          // …and in the sink: not even attempted before the earlier one was acked.
          const ack = calls.get(earlier)!.find((c) => c.outcome._tag === "Acked")!
          expect(calls.get(later)![0]!.startedAt, `record ${recordId}, event ${k}`).toBeGreaterThanOrEqual(ack.endedAt)
        }
      }

      // allConsumed arrives after the last record event of its run, with the run's counts.
      for (const runId of runIds) {
        const ofRun = all.filter((e) => e.runId === runId)
        const consumed = ofRun.filter((e) => e.type === "sync.events.allConsumed")
        expect(consumed).toHaveLength(1)
        const lastRecordAck = Math.max(...ofRun.filter((e) => e.kind === "record").map((e) => ackedAt(e.id)))
        expect(firstSeen(consumed[0]!.id)).toBeGreaterThan(lastRecordAck)
        expect(byId.get(consumed[0]!.id)![0]!.event!.data).toEqual({ acked: RECORDS, deadLettered: 0 })
      }
    }).pipe(Effect.provide(many.layer), Effect.scoped), TEST_TIMEOUT_MS)

  const few = layer({ delivery: { retrySchedule: Schedule.spaced("50 millis"), pollInterval: "200 millis" }, sinkTimeout: "2 seconds" })

  it.live("abort-message dead-letters that one event (counted in allConsumed); webhook-delivery: disable holds the rest until enabled", () =>
    Effect.gen(function*() {
      let disabledOnce = false
      const receiver = yield* WebhookReceiver.make({
        secrets: [secret],
        script: (delivery, attempt) => {
          if (delivery.body.includes("\"recordId\":\"7\"") && attempt === 1) return WebhookReceiver.abortMessage()
          if (!disabledOnce && delivery.body.includes("\"recordId\":\"3\"")) {
            disabledOnce = true
            return WebhookReceiver.disable(200)
          }
          return undefined
        }
      })
      const store = yield* Store.Store
      // One at a time, so the events after record 3 are still waiting when it disables the destination.
      const destinationId = yield* addDestination(receiver.url, 1)
      const runId = yield* commitRun({ destinationId, syncId: "syn_abort", changes: changesOf(0).slice(0, 10) })
      const disabled = yield* waitUntil(store.destinations.get(destinationId), (row) => Option.isSome(row) && !row.value.enabled, "the destination disabled by the receiver")
      expect(Option.getOrThrow(disabled).disabledReason).toMatch(/webhook-delivery: disable/)
      yield* waitUntil(idle(destinationId, few.log), (quiet) => quiet, "the attempt that met \"disable\" to settle")
      const held = few.calls.length
      yield* Effect.sleep("600 millis")
      expect(few.calls.length).toBe(held)
      expect(receiver.counts().ids).toBe(3)

      yield* store.destinations.setEnabled(destinationId, true, undefined, yield* Clock.currentTimeMillis)
      yield* Effect.flatMap(Delivery.Delivery, (d) => d.wake(destinationId))
      const all = yield* waitUntil(
        store.outbox.list({ runId, limit: 100 }),
        (es) => es.some((e) => e.type === "sync.events.allConsumed" && e.status === "acked"),
        "the run's allConsumed acknowledged"
      )
      const dead = all.filter((e) => e.status === "dead")
      expect(dead.map((e) => e.recordId)).toEqual(["7"])
      expect(dead[0]!.lastError).toMatch(/abort-message/)
      expect(receiver.attempts(dead[0]!.id)).toHaveLength(1)
      // The event that met "disable" is sent again once enabled, and acked.
      const three = all.find((e) => e.recordId === "3")!
      expect(receiver.attempts(three.id).map((r) => r.fault?._tag ?? "none")).toEqual(["Status", "none"])
      expect(three.status).toBe("acked")
      const consumed = all.find((e) => e.type === "sync.events.allConsumed")!
      expect(receiver.attempts(consumed.id)[0]!.event!.data).toEqual({ acked: 9, deadLettered: 1 })
    }).pipe(Effect.provide(few.layer), Effect.scoped), TEST_TIMEOUT_MS)
})
