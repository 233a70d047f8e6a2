import type { Event } from "@weft/core/events"
import { Store } from "@weft/core/store"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import type { WebhookReceiver } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type { WorkerConfig } from "./protocol.js"

/**
 * What the parent sees: the store the workers share (read through a store
 * of its own over the same file or database), and what the receiver got,
 * judged per event id, per record and per run.
 */

export type StoreTarget = WorkerConfig["store"]

/** The parent's own store over the workers' file or database: it only reads (and migrates once, first). */
export const observer = (target: StoreTarget) => {
  const layer: Layer.Layer<Store.Store, unknown> = target.dialect === "sqlite"
    ? StoreSqlite.layer({ filename: target.filename })
    : StorePostgres.layer({ url: target.url, maxConnections: 2, applicationName: "process-tests-parent" })
  const runtime = ManagedRuntime.make(layer)
  return {
    read: <A, E>(f: (store: Store.StoreService) => Effect.Effect<A, E>): Promise<A> => runtime.runPromise(Effect.flatMap(Store.Store, f)),
    dispose: () => runtime.dispose()
  }
}

export type Observer = ReturnType<typeof observer>

export const isRecordEvent = (event: Event.WeftEvent | undefined): event is Event.RecordEvent =>
  event !== undefined && (event.type === "record.new" || event.type === "record.changed" || event.type === "record.deleted")

/**
 * Watches arrivals for per-record order as they happen: an event of a
 * record arriving while an earlier event of the same record is still
 * unanswered at the receiver is a candidate; it is a violation if that
 * earlier delivery was then acknowledged (a delivery from a killed process
 * ends unanswered, and is no violation).
 */
export const orderWatch = () => {
  let receiver: WebhookReceiver.WebhookReceiver | undefined
  let arrivals = 0
  const perRecord = new Map<string, Array<{ readonly index: number; readonly eventId: string }>>()
  const candidates: Array<{ readonly earlier: number; readonly later: number }> = []
  return {
    attach: (r: WebhookReceiver.WebhookReceiver) => {
      receiver = r
    },
    /** Call from the receiver's script, once per arrival, in arrival order. */
    arrived: (body: string) => {
      const index = arrivals++
      let parsed: { id?: unknown; recordId?: unknown; type?: unknown }
      try {
        parsed = JSON.parse(body) as typeof parsed
      } catch {
        return
      }
      if (typeof parsed.recordId !== "string" || typeof parsed.id !== "string") return
      const key = parsed.recordId
      const eventId = parsed.id
      const before = perRecord.get(key) ?? []
      const earlier = before.filter((a) => a.eventId < eventId)
      if (earlier.length > 0 && receiver !== undefined) {
        const requests = receiver.requests()
        for (const a of earlier) {
          if (requests[a.index]?.answer._tag === "Pending") candidates.push({ earlier: a.index, later: index })
        }
      }
      before.push({ index, eventId })
      perRecord.set(key, before)
    },
    /** Candidates whose earlier delivery was acknowledged after all. */
    violations: (requests: ReadonlyArray<WebhookReceiver.ReceivedRequest>) =>
      candidates.filter((c) => requests[c.earlier]?.acked === true).map((c) =>
        `${requests[c.later]?.id} (#${c.later}) arrived while ${requests[c.earlier]?.id} (#${c.earlier}) of the same record was unanswered`)
  }
}

export interface Judgement {
  /** Per record, consecutive events (by event id) whose arrivals interleave, or whose earlier one was never acked. */
  readonly orderProblems: ReadonlyArray<string>
  /** Per run with record events: what allEmitted / allConsumed say against what arrived. */
  readonly runProblems: ReadonlyArray<string>
  /** Record event ids that arrived but were never acknowledged. */
  readonly unacked: ReadonlyArray<string>
  /** Arrivals beyond the first of each event id. */
  readonly redeliveries: number
  /** Event ids acknowledged more than once. */
  readonly ackedTwice: number
  /** The last record event of each record, by event id. */
  readonly lastByRecord: ReadonlyMap<string, Event.RecordEvent>
  /** Distinct record events per `type:recordId` key. */
  readonly eventsByKey: ReadonlyMap<string, ReadonlyArray<Event.RecordEvent>>
  readonly distinctRecordEvents: number
  readonly runsWithRecordEvents: number
}

export const keyOf = (event: Event.RecordEvent): string =>
  event.type === "record.deleted" ? `record.deleted:${event.data.reason}:${event.recordId}` : `${event.type}:${event.recordId}`

/**
 * Judges everything the receiver got: per-record order from arrival
 * indices, each run's allEmitted and allConsumed against the distinct
 * record events that arrived for it, redeliveries.
 */
export const judge = (requests: ReadonlyArray<WebhookReceiver.ReceivedRequest>): Judgement => {
  const byId = new Map<string, { event: Event.WeftEvent; first: number; last: number; lastAcked: number; arrivals: number; acks: number }>()
  for (const r of requests) {
    if (r.event === undefined) continue
    const seen = byId.get(r.event.id)
    if (seen === undefined) {
      byId.set(r.event.id, { event: r.event, first: r.index, last: r.index, lastAcked: r.acked ? r.index : -1, arrivals: 1, acks: r.acked ? 1 : 0 })
    } else {
      seen.last = r.index
      seen.arrivals++
      if (r.acked) {
        seen.lastAcked = r.index
        seen.acks++
      }
    }
  }
  let redeliveries = 0
  let ackedTwice = 0
  const unacked: Array<string> = []
  const perRecord = new Map<string, Array<string>>()
  const perRun = new Map<string, Array<Event.RecordEvent>>()
  const runEvents = new Map<string, Array<Event.WeftEvent>>()
  const eventsByKey = new Map<string, Array<Event.RecordEvent>>()
  for (const [id, seen] of byId) {
    redeliveries += seen.arrivals - 1
    if (seen.acks > 1) ackedTwice++
    const event = seen.event
    if (seen.acks === 0) unacked.push(`${id} (${event.type})`)
    if (isRecordEvent(event)) {
      perRecord.set(event.recordId, [...(perRecord.get(event.recordId) ?? []), id])
      perRun.set(event.syncRunId, [...(perRun.get(event.syncRunId) ?? []), event])
      const key = keyOf(event)
      eventsByKey.set(key, [...(eventsByKey.get(key) ?? []), event])
    } else {
      runEvents.set(event.syncRunId, [...(runEvents.get(event.syncRunId) ?? []), event])
    }
  }

  const orderProblems: Array<string> = []
  const lastByRecord = new Map<string, Event.RecordEvent>()
  for (const [recordId, ids] of perRecord) {
    ids.sort()
    lastByRecord.set(recordId, byId.get(ids[ids.length - 1]!)!.event as Event.RecordEvent)
    for (let i = 1; i < ids.length; i++) {
      const earlier = byId.get(ids[i - 1]!)!
      const later = byId.get(ids[i]!)!
      if (earlier.lastAcked !== earlier.last) {
        orderProblems.push(`record ${recordId}: the last delivery of ${ids[i - 1]} (#${earlier.last}) was not acknowledged, yet ${ids[i]} followed`)
      }
      if (later.first <= earlier.last) {
        orderProblems.push(`record ${recordId}: ${ids[i]} first arrived (#${later.first}) before ${ids[i - 1]} last arrived (#${earlier.last})`)
      }
    }
  }

  const runProblems: Array<string> = []
  for (const [runId, events] of perRun) {
    const count = (type: string) => events.filter((e) => e.type === type).length
    const want = { new: count("record.new"), changed: count("record.changed"), deleted: count("record.deleted"), total: events.length }
    const own = runEvents.get(runId) ?? []
    const emitted = own.filter((e) => e.type === "sync.events.allEmitted")
    const consumed = own.filter((e) => e.type === "sync.events.allConsumed")
    if (emitted.length !== 1) runProblems.push(`run ${runId}: ${emitted.length} allEmitted`)
    for (const e of emitted) {
      if (e.type !== "sync.events.allEmitted") continue
      const got = e.data.emitted
      if (got.new !== want.new || got.changed !== want.changed || got.deleted !== want.deleted || got.total !== want.total) {
        runProblems.push(`run ${runId} (${e.data.status}): allEmitted says ${JSON.stringify(got)}, the receiver got ${JSON.stringify(want)}`)
      }
    }
    if (consumed.length !== 1) runProblems.push(`run ${runId}: ${consumed.length} allConsumed`)
    for (const e of consumed) {
      if (e.type !== "sync.events.allConsumed") continue
      if (e.data.acked !== want.total || e.data.deadLettered !== 0) {
        runProblems.push(`run ${runId}: allConsumed says ${JSON.stringify(e.data)}, the receiver acknowledged ${want.total} distinct record events`)
      }
      const lastRecordArrival = Math.max(...events.map((r) => byId.get(r.id)!.last))
      const consumedFirst = byId.get(e.id)!.first
      if (consumedFirst <= lastRecordArrival) {
        runProblems.push(`run ${runId}: allConsumed (#${consumedFirst}) arrived before the run's last record event delivery (#${lastRecordArrival})`)
      }
    }
  }

  return {
    orderProblems,
    runProblems,
    unacked,
    redeliveries,
    ackedTwice,
    lastByRecord,
    eventsByKey,
    distinctRecordEvents: [...perRecord.values()].reduce((n, ids) => n + ids.length, 0),
    runsWithRecordEvents: perRun.size
  }
}
