import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { SyncEngine } from "../engine/SyncEngine.js"
import type { OutboxEntry } from "../store/Rows.js"
import * as Clock from "effect/Clock"
import { OutboxSignal } from "../store/OutboxSignal.js"
import { Store, type StoreError } from "../store/Store.js"
import type { ReplayResult, ReplaySelector } from "./Api.js"

/**
 * Replays events: those whose payload is still held are re-sent as stored
 * (same id); delivered record events, whose payload was removed, are replayed
 * by re-reading their records (one forced resync run per sync and model).
 * Ids that match nothing are reported in `unknown`, never silently dropped.
 *
 * @since 0.1.0
 * @category replay
 */
export const replay = (
  selector: ReplaySelector
): Effect.Effect<ReplayResult, StoreError, Store | SyncEngine | OutboxSignal> =>
  Effect.gen(function*() {
    const store = yield* Store
    const signal = yield* OutboxSignal
    const engine = yield* SyncEngine
    const unknown: Array<string> = []
    let entries: ReadonlyArray<OutboxEntry>
    if ("eventId" in selector || "eventIds" in selector) {
      const ids = "eventId" in selector ? [selector.eventId] : [...new Set(selector.eventIds)]
      const found: Array<OutboxEntry> = []
      for (const id of ids) {
        const entry = yield* store.outbox.get(id)
        if (Option.isSome(entry)) found.push(entry.value)
        else unknown.push(id)
      }
      entries = found
    } else if ("runId" in selector) {
      if (Option.isNone(yield* store.runs.get(selector.runId))) unknown.push(selector.runId)
      entries = yield* store.outbox.list({ runId: selector.runId, limit: Number.MAX_SAFE_INTEGER })
    } else {
      if (selector.syncId !== undefined && Option.isNone(yield* store.syncs.get(selector.syncId))) {
        // A deleted sync's events stay listable: only a sync that never had any is unknown.
        const any = yield* store.outbox.list({ syncId: selector.syncId, limit: 1 })
        if (any.length === 0) unknown.push(selector.syncId)
      }
      entries = yield* store.outbox.list({ from: selector.from, to: selector.to, syncId: selector.syncId, limit: Number.MAX_SAFE_INTEGER })
    }
    const held = entries.filter((e) => e.payload !== null && e.status !== "pending")
    const now = yield* Clock.currentTimeMillis
    const requeued = yield* store.outbox.requeue(held.map((e) => e.id), now)
    const requeuedSet = new Set(requeued)
    // Wake the destinations' workers: a replay goes out now, not at some later poll.
    const destinations = new Set(entries.filter((e) => requeuedSet.has(e.id)).map((e) => e.destinationId))
    yield* Effect.forEach(destinations, signal.notify, { discard: true })

    const skipped: Array<{ eventId: string; reason: string }> = []
    const groups = new Map<string, { syncId: string; model: string; entries: Array<OutboxEntry> }>()
    for (const entry of entries) {
      if (requeuedSet.has(entry.id)) continue
      if (entry.status === "pending") {
        skipped.push({ eventId: entry.id, reason: "still pending delivery" })
      } else if (entry.payload === null && entry.model !== undefined && entry.recordId !== undefined) {
        const key = `${entry.syncId}/${entry.model}`
        const group = groups.get(key) ?? { syncId: entry.syncId, model: entry.model, entries: [] }
        group.entries.push(entry)
        groups.set(key, group)
      } else {
        skipped.push({ eventId: entry.id, reason: "its payload is no longer held and it is not a record event" })
      }
    }
    const resynced: Array<{ eventId: string; recordId: string; runId: string }> = []
    for (const group of groups.values()) {
      const ids = [...new Set(group.entries.map((e) => e.recordId!))]
      const run = yield* engine.resyncRecords(group.syncId, group.model, ids, { force: true }).pipe(
        Effect.map(Either.right),
        Effect.catchTags({
          NotFoundError: () => Effect.succeed(Either.left("its record cannot be re-read: the sync was deleted")),
          ResyncUnsupportedError: () => Effect.succeed(Either.left("its record cannot be re-read: the connector cannot read single records")),
          SyncPausedError: () => Effect.succeed(Either.left("its record cannot be re-read while the sync is paused; resume it and replay again"))
        })
      )
      for (const entry of group.entries) {
        if (Either.isRight(run)) resynced.push({ eventId: entry.id, recordId: entry.recordId!, runId: run.right.id })
        else skipped.push({ eventId: entry.id, reason: run.left })
      }
    }
    return { requeued, resynced, skipped, unknown }
  })
