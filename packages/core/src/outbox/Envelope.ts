import type { DeleteReason, EventType, SyncType } from "../events/Event.js"
import * as Ids from "../ground/Ids.js"
import type { ModelAudit, OutboxEntry, PayloadRef, RunRow, RunType } from "../store/Rows.js"
import type { VaultService } from "../vault/Vault.js"

/**
 * Turns changes into outbox entries: the event JSON (envelope + data), with
 * the routing metadata the outbox orders and claims by. The events of one
 * page are sealed together with the Vault, in one payload under its own id
 * (one cipher per page instead of one per event); each entry refers to its
 * slice (`Rows.PayloadRef`) and the page's entries carry the sealed bytes to
 * the store. A run event gets a payload of its own.
 *
 * @since 0.1.0
 */

/**
 * A record event to emit, before it gets an id and an envelope.
 *
 * @since 0.1.0
 * @category models
 */
export type Change =
  | {
    readonly type: "record.new" | "record.changed"
    readonly recordId: string
    /** The record as delivered: projected to the subscribed fields, as canonical JSON. */
    readonly data: string
  }
  | { readonly type: "record.deleted"; readonly recordId: string; readonly reason: DeleteReason }

/**
 * The routing fields every event of one run shares.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunEnvelope {
  readonly runId: string
  readonly syncId: string
  readonly integrationId: string
  readonly connector: string
  readonly tenant: string
  readonly syncType: SyncType
  readonly destinationId: string
}

/**
 * The wire name of a run type.
 *
 * @since 0.1.0
 * @category constructors
 */
export const syncTypeOf = (type: RunType): SyncType =>
  type === "initial" ? "initial_sync" : type === "delta" ? "delta_sync" : "manual_sync"

/**
 * The envelope of a run, from its row.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ofRun = (run: RunRow, destinationId: string): RunEnvelope => ({
  runId: run.id,
  syncId: run.syncId,
  integrationId: run.integrationId,
  connector: run.connector,
  tenant: run.tenant,
  syncType: syncTypeOf(run.type),
  destinationId
})

/**
 * Ordering key of a record's events: one queue per record per sync.
 *
 * @since 0.1.0
 * @category constructors
 */
export const recordKey = (syncId: string, model: string, recordId: string): string => `${syncId}/${model}/${recordId}`

/**
 * Ordering key of a run's own events (processed → allEmitted → allConsumed).
 *
 * @since 0.1.0
 * @category constructors
 */
export const runKey = (runId: string): string => `run/${runId}`

/**
 * A new payload id, created at `nowMs`: `pay_` + a UUIDv7 like every Weft id.
 *
 * @since 0.1.0
 * @category constructors
 */
export const payloadId = (nowMs: number): string => Ids.at("pay", nowMs)

/**
 * Writes events of one run. The static part of the envelope is serialised
 * once; each event adds its id, type, time and data.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventWriter {
  readonly envelope: RunEnvelope
  /** Entries for record changes of `model`, created at `nowMs`, sealed together in one payload. */
  readonly records: (model: string, changes: ReadonlyArray<Change>, nowMs: number) => Array<OutboxEntry>
  /** A run event (`sync.events.*`), created at `nowMs`. */
  readonly run: (type: EventType, data: object, nowMs: number, model?: string) => OutboxEntry
  /** `sync.events.processed` of a model that finished reading, from its audit. */
  readonly processed: (audit: ModelAudit, startedAt: number, finishedAt: number) => OutboxEntry
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const writer = (vault: VaultService, envelope: RunEnvelope): EventWriter => {
  const routing = JSON.stringify({
    integrationId: envelope.integrationId,
    connector: envelope.connector,
    tenant: envelope.tenant,
    syncId: envelope.syncId,
    syncRunId: envelope.runId,
    syncType: envelope.syncType
  }).slice(1, -1)

  const entry = (
    id: string,
    type: EventType,
    nowMs: number,
    kind: "record" | "run",
    orderingKey: string,
    model: string | undefined,
    recordId: string | undefined,
    payload: PayloadRef
  ): OutboxEntry => ({
    id,
    type,
    kind,
    runId: envelope.runId,
    syncId: envelope.syncId,
    destinationId: envelope.destinationId,
    orderingKey,
    model,
    recordId,
    createdAt: nowMs,
    status: "pending",
    attempts: 0,
    nextAttemptAt: nowMs,
    payload
  })

  const run: EventWriter["run"] = (type, data, nowMs, model) => {
    const id = Ids.at("evt", nowMs)
    const json = `{"id":"${id}","type":"${type}","timestamp":"${new Date(nowMs).toISOString()}",${routing},` +
      (model === undefined ? "" : `"model":${JSON.stringify(model)},`) + `"data":${JSON.stringify(data)}}`
    const payload = payloadId(nowMs)
    const sealed = vault.seal(json, payload)
    return entry(id, type, nowMs, "run", runKey(envelope.runId), model, undefined, { id: payload, offset: 0, length: Buffer.byteLength(json), sealed })
  }

  let scratch = Buffer.alloc(0)

  return {
    envelope,
    records: (model, changes, nowMs) => {
      if (changes.length === 0) return []
      const timestamp = new Date(nowMs).toISOString()
      const modelJson = JSON.stringify(model)
      const payload = payloadId(nowMs)
      const ids: Array<string> = new Array(changes.length)
      // The page's events, concatenated as UTF-8 straight into one buffer (no joined string, no
      // second pass to measure each event); `offsets` are where each event starts and ends.
      const offsets: Array<number> = new Array(changes.length + 1)
      const head = `","timestamp":"${timestamp}",${routing},"model":${modelJson},"recordId":`
      // The writer's scratch buffer, kept from page to page (the vault copies what it seals).
      let text = scratch.length >= 4096 + changes.length * 1024 ? scratch : Buffer.allocUnsafe(4096 + changes.length * 1024)
      let at = 0
      const put = (part: string) => {
        // A UTF-16 code unit is at most 3 bytes of UTF-8.
        if (at + part.length * 3 > text.length) {
          const grown = Buffer.allocUnsafe(Math.max(text.length * 2, at + part.length * 3))
          text.copy(grown, 0, 0, at)
          text = grown
        }
        at += text.write(part, at, "utf8")
      }
      offsets[0] = 0
      for (let i = 0; i < changes.length; i++) {
        const change = changes[i]!
        const id = Ids.at("evt", nowMs)
        put(`{"id":"${id}","type":"${change.type}${head}${JSON.stringify(change.recordId)},"data":`)
        put(change.type === "record.deleted"
          ? `{"id":${JSON.stringify(change.recordId)},"reason":"${change.reason satisfies DeleteReason}"}}`
          : change.data)
        if (change.type !== "record.deleted") put("}")
        ids[i] = id
        offsets[i + 1] = at
      }
      const sealed = vault.seal(text.subarray(0, at), payload)
      // Record data does not linger in clear in the kept buffer.
      text.fill(0, 0, at)
      scratch = text
      const out: Array<OutboxEntry> = new Array(changes.length)
      for (let i = 0; i < changes.length; i++) {
        const change = changes[i]!
        const ref: PayloadRef = { id: payload, offset: offsets[i]!, length: offsets[i + 1]! - offsets[i]!, sealed }
        out[i] = entry(ids[i]!, change.type, nowMs, "record", recordKey(envelope.syncId, model, change.recordId), model, change.recordId, ref)
      }
      return out
    },
    run,
    processed: (audit, startedAt, finishedAt) =>
      run("sync.events.processed", {
        model: audit.model,
        processed: audit.counters.processed,
        emitted: { new: audit.counters.new, changed: audit.counters.changed, deleted: audit.counters.deleted },
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: new Date(finishedAt).toISOString()
      }, finishedAt, audit.model)
  }
}
