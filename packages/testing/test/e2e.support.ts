import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { BambooHR } from "@weft/connectors"
import type { Event } from "@weft/core/events"
import { type Api, Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { StoreMemory } from "@weft/store-memory"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Webhook } from "standardwebhooks"
import * as BambooHRFake from "../src/fakes/bamboohr/index.js"
import * as WebhookReceiver from "../src/receiver/WebhookReceiver.js"
import { pollUntil, waitUntil } from "./waiting.js"

/**
 * One end-to-end scenario: a fake BambooHR company, Weft wired as a host
 * would wire it (store-memory, the webhook sink over undici, a Vault key, the
 * standard retry schedule) and the recording receiver; an initial sync, then
 * delta rounds of hires, title changes, terminations and deletions, each run
 * followed until its `sync.events.allConsumed` is acknowledged. It gathers
 * what was expected and what arrived; the tests judge it.
 */

export const MODEL = "hris.employee"

/** Signs every delivery; the receiver and `standardwebhooks` verify with it. */
export const secret = "whsec_c2NlbmFyaW8tc2lnbmluZy1zZWNyZXQtZTJlLTAx"

const keys: Vault.VaultKeys = { current: { id: "e2e", key: Redacted.make(Buffer.alloc(32, 5).toString("base64")) } }

/** How many of each change a delta round makes (to distinct active employees). */
export interface RoundSize {
  readonly hires: number
  readonly titleChanges: number
  readonly terminations: number
  readonly deletions: number
}

export interface ScenarioOptions {
  readonly employees: number
  readonly seed: number
  readonly rounds: number
  readonly roundSize: RoundSize
  /** The receiver's scripted faults. */
  readonly script?: WebhookReceiver.Script | undefined
  /**
   * How long one run may take, reading and delivery, before the scenario
   * gives up: a safety net against a hang, far above what any machine needs.
   */
  readonly runTimeoutMs: number
}

/**
 * What one run should emit and what arrived for it. Record events are keyed
 * `type:recordId`, deletes `record.deleted:reason:recordId`, sorted.
 */
export interface RunOutcome {
  readonly round: number
  readonly run: Api.Run
  readonly expected: ReadonlyArray<string>
  /** Distinct record events received (by event id), whatever their answer. */
  readonly received: ReadonlyArray<string>
  /** Record event ids received but never acknowledged. */
  readonly unacked: ReadonlyArray<string>
  /** Record ids with more than one event in the run. */
  readonly repeatedRecords: ReadonlyArray<string>
  readonly allEmitted: ReadonlyArray<Event.WeftEvent>
  readonly allConsumed: ReadonlyArray<Event.WeftEvent>
  readonly processed: ReadonlyArray<Event.WeftEvent>
  /** Arrival index of the last acknowledged record event of the run (-1 if none). */
  readonly lastRecordAckIndex: number
  /** Arrival index of the acknowledged `allConsumed` (-1 if none). */
  readonly consumedAckIndex: number
  /** From the run's start (trigger for deltas) to the receiver acknowledging its `allConsumed`. */
  readonly wallMs: number
}

export interface ScenarioResult {
  readonly runs: ReadonlyArray<RunOutcome>
  /** Every delivery the receiver got, in arrival order. */
  readonly requests: ReadonlyArray<WebhookReceiver.ReceivedRequest>
  /** Deliveries the `standardwebhooks` package refused when they arrived, with its reason. */
  readonly unverified: ReadonlyArray<string>
  /** Events whose run is none of the scenario's runs. */
  readonly strays: ReadonlyArray<string>
  /** Outbox entries still pending once the last run was consumed. */
  readonly pendingAtEnd: number
  readonly wallMs: number
}

const keyOf = (event: Event.WeftEvent): string | undefined => {
  switch (event.type) {
    case "record.new":
    case "record.changed":
      return `${event.type}:${event.recordId}`
    case "record.deleted":
      return `${event.type}:${event.data.reason}:${event.recordId}`
    default:
      return undefined
  }
}

const TITLES = ["Senior Platform Engineer", "Customer Success Lead", "Head of Payroll", "Staff Data Analyst", "People Partner"]

/** A title the employee does not have yet, so the change is a real one. */
const newTitle = (current: string, n: number): string => {
  const first = TITLES[n % TITLES.length]!
  return first === current ? TITLES[(n + 1) % TITLES.length]! : first
}

/**
 * Applies one round to the fake and returns the record events the next
 * delta must emit. Title changes, terminations and deletions go to distinct
 * active employees; hires come last so none of them is picked.
 */
export const applyRound = (fake: BambooHRFake.Fake, round: number, size: RoundSize): ReadonlyArray<string> => {
  const wanted = size.titleChanges + size.terminations + size.deletions
  const picked = fake.randomIds(wanted, { active: true })
  if (picked.length < wanted) throw new Error(`round ${round}: only ${picked.length} active employees left, ${wanted} needed`)
  const titleChanges = picked.slice(0, size.titleChanges)
  const terminations = picked.slice(size.titleChanges, size.titleChanges + size.terminations)
  const deletions = picked.slice(size.titleChanges + size.terminations)
  titleChanges.forEach((id, i) => fake.changeTitle(id, newTitle(fake.get(id)?.jobTitleName ?? "", round * 31 + i)))
  terminations.forEach((id) => fake.terminate(id))
  deletions.forEach((id) => fake.remove(id))
  const hires = Array.from({ length: size.hires }, () => fake.hire().id)
  return [
    ...hires.map((id) => `record.new:${id}`),
    ...titleChanges.map((id) => `record.changed:${id}`),
    ...terminations.map((id) => `record.deleted:inactive:${id}`),
    ...deletions.map((id) => `record.deleted:removed:${id}`)
  ].sort()
}

/** The initial sync's events: one `record.new` per active employee. */
const initialExpected = (fake: BambooHRFake.Fake, employees: number): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (let id = 1; id <= employees; id++) if (fake.get(String(id))?.status === "Active") out.push(`record.new:${id}`)
  return out.sort()
}

/**
 * Weft as a host wires it, reading the fake. The sink's timeout is long (yet
 * under the delivery lease of 2 minutes): the receiver here never hangs, so
 * a timeout could only come from a slow machine, and would turn into a retry
 * the clean scenario does not expect.
 */
const weftLayer = (fake: BambooHRFake.Fake) =>
  Weft.layer({ connectors: [BambooHR.connector({ baseUrl: fake.baseUrl })] }).pipe(
    Layer.provide(Layer.mergeAll(
      StoreMemory.layer,
      SinkWebhook.layer({ allowHosts: ["127.0.0.1"], timeout: "90 seconds" }),
      Vault.layer(keys)
    )),
    Layer.provide(NodeHttpClient.layerUndici)
  )

/**
 * Verifies each delivery with the `standardwebhooks` package as it arrives,
 * as a real receiver would: its timestamp check runs on the wall clock, so
 * it belongs at arrival, not at the end of a long scenario. Faults none.
 */
const verifyOnArrival = (unverified: Array<string>): WebhookReceiver.Script => {
  const verifier = new Webhook(secret)
  return (delivery) => {
    try {
      verifier.verify(delivery.body, {
        "webhook-id": delivery.headers["webhook-id"] ?? "",
        "webhook-timestamp": delivery.headers["webhook-timestamp"] ?? "",
        "webhook-signature": delivery.headers["webhook-signature"] ?? ""
      })
    } catch (error) {
      unverified.push(`${delivery.id}: ${String(error)}`)
    }
    return undefined
  }
}

const consumedAck = (receiver: WebhookReceiver.WebhookReceiver, runId: string) =>
  Effect.sync(() =>
    receiver.requests().find((r) => r.acked && r.event?.type === "sync.events.allConsumed" && r.event.syncRunId === runId)
  )

/** What arrived for one run, against what it should have emitted. */
const outcomeOf = (
  requests: ReadonlyArray<WebhookReceiver.ReceivedRequest>,
  round: number,
  run: Api.Run,
  expected: ReadonlyArray<string>,
  wallMs: number
): RunOutcome => {
  const ofRun = requests.filter((r) => r.event?.syncRunId === run.id)
  const firstById = new Map<string, Event.WeftEvent>()
  const ackIndex = new Map<string, number>()
  for (const r of ofRun) {
    const event = r.event!
    if (!firstById.has(event.id)) firstById.set(event.id, event)
    if (r.acked) ackIndex.set(event.id, r.index)
  }
  const events = [...firstById.values()]
  const records = events.filter((e) => keyOf(e) !== undefined)
  const perRecord = new Map<string, number>()
  for (const e of records) {
    const id = "recordId" in e ? e.recordId : ""
    perRecord.set(id, (perRecord.get(id) ?? 0) + 1)
  }
  const ofType = (type: Event.EventType) => events.filter((e) => e.type === type)
  const consumed = ofType("sync.events.allConsumed")
  return {
    round,
    run,
    expected,
    received: records.map((e) => keyOf(e)!).sort(),
    unacked: records.filter((e) => !ackIndex.has(e.id)).map((e) => e.id),
    repeatedRecords: [...perRecord].filter(([, n]) => n > 1).map(([id]) => id),
    allEmitted: ofType("sync.events.allEmitted"),
    allConsumed: consumed,
    processed: ofType("sync.events.processed"),
    lastRecordAckIndex: records.reduce((max, e) => Math.max(max, ackIndex.get(e.id) ?? -1), -1),
    consumedAckIndex: consumed.length === 0 ? -1 : ackIndex.get(consumed[0]!.id) ?? -1,
    wallMs
  }
}

/**
 * Runs the scenario: connect (the initial sync starts by itself), follow
 * the initial run, then for each round mutate the fake, `triggerAndWait` a
 * delta and follow it, each until the receiver acknowledged its
 * `allConsumed`.
 */
export const runScenario = (options: ScenarioOptions) =>
  Effect.gen(function*() {
    const startedAt = yield* Clock.currentTimeMillis
    const fake = yield* BambooHRFake.scoped({ size: options.employees, seed: options.seed })
    const unverified: Array<string> = []
    const receiver = yield* WebhookReceiver.make({
      secrets: [secret],
      script: options.script === undefined ? verifyOnArrival(unverified) : [verifyOnArrival(unverified), options.script]
    })
    const context = yield* Layer.build(weftLayer(fake))
    const weft = Context.get(context, Weft.Weft)

    const awaitConsumed = (runId: string) =>
      pollUntil(consumedAck(receiver, runId), () => {
        const c = receiver.counts()
        return `run ${runId}: no acknowledged sync.events.allConsumed (${c.requests} requests, ${c.acked} acked, ${c.ids} event ids so far)`
      }, options.runTimeoutMs)

    const runs: Array<RunOutcome> = []
    const initialEvents = initialExpected(fake, options.employees)
    const { syncs } = yield* weft.integrations.connect({
      connector: "bamboohr",
      tenant: "acme",
      credentials: { companyDomain: fake.companyDomain, apiKey: BambooHRFake.keys.admin },
      // Long enough that every delta is one the scenario triggers.
      syncs: [{ models: [MODEL], destination: { url: `${receiver.url}/hooks/weft`, secrets: [secret] }, frequency: "1 day" }]
    })
    const syncId = syncs[0]!.id

    // The initial run starts on its own: wait for it to finish reading, then for its delivery.
    const initial = yield* pollUntil(
      Effect.map(weft.runs.list({ syncId, limit: 1 }), ([run]) => (run !== undefined && run.status !== "running" ? run : undefined)),
      () => `the initial run of sync ${syncId} did not finish`,
      options.runTimeoutMs
    )
    yield* awaitConsumed(initial.id)
    runs.push(outcomeOf(receiver.requests(), 0, yield* weft.runs.get(initial.id), initialEvents, (yield* Clock.currentTimeMillis) - startedAt))

    for (let round = 1; round <= options.rounds; round++) {
      const expected = applyRound(fake, round, options.roundSize)
      const triggeredAt = yield* Clock.currentTimeMillis
      const run = yield* weft.syncs.triggerAndWait(syncId, { type: "delta" })
      yield* awaitConsumed(run.id)
      const wallMs = (yield* Clock.currentTimeMillis) - triggeredAt
      runs.push(outcomeOf(receiver.requests(), round, yield* weft.runs.get(run.id), expected, wallMs))
    }

    const requests = receiver.requests()
    const runIds = new Set(runs.map((r) => r.run.id))
    const strays = [...new Set(requests.flatMap((r) => (r.event === undefined || runIds.has(r.event.syncRunId) ? [] : [r.id ?? "(no id)"])))]
    // The receiver has answered the last allConsumed; Weft settles that answer a moment later.
    const listPending = weft.events.list({ syncId, status: "pending", limit: 1_000 })
    const pending = yield* waitUntil(listPending, (p) => p.length === 0, "entries still pending", options.runTimeoutMs).pipe(
      Effect.catchAllDefect(() => listPending)
    )
    return {
      runs,
      requests,
      unverified,
      strays,
      pendingAtEnd: pending.length,
      wallMs: (yield* Clock.currentTimeMillis) - startedAt
    } satisfies ScenarioResult
  })
