/**
 * `npm run bench -- detect [--records N]`: change detection through the sync
 * engine and the in-memory store, outbox writes included.
 *
 * N synthetic employees (default 1,000,000; ~400 bytes each): an initial run,
 * then a delta with 1 % changed, 0.5 % deleted and 0.5 % new. Each page's
 * events are acked right after their commit, as an instant delivery would, so
 * memory holds fingerprints, not payloads; that acking is timed apart and not
 * counted in the detection rate. Baseline, same process: a bare loop of JSON.stringify + SHA-256
 * over the same records.
 */
import * as Crypto from "node:crypto"
import { performance } from "node:perf_hooks"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Auth, Connector } from "@weft/core/connector"
import { Connectors, Integrations, SyncEngine } from "@weft/core/engine"
import { RunEvents } from "@weft/core/outbox"
import { Ids } from "@weft/core/ground"
import { Employee } from "@weft/core/models"
import { OutboxSignal, Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { heapUsed, peakRssMB, report, round } from "./harness.js"
import { employee } from "./synthetic.js"

const PAGE = 1000

const option = (args: ReadonlyArray<string>, name: string, fallback: number) => {
  const i = args.indexOf(name)
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback
}

/** The provider: records derived from their index, a version per changed record, deleted ones skipped. */
class Synthetic {
  readonly versions = new Map<number, number>()
  readonly deleted = new Set<number>()
  constructor(public size: number) {}

  readAll(): Stream.Stream<Connector.RecordPage> {
    return Stream.paginateEffect(1, (start: number) =>
      Effect.sync(() => {
        const end = Math.min(this.size + 1, start + PAGE)
        const records: Array<unknown> = []
        for (let i = start; i < end; i++) if (!this.deleted.has(i)) records.push(employee(i, this.versions.get(i) ?? 0))
        return [{ records }, end > this.size ? Option.none() : Option.some(end)] as const
      }))
  }

  /** 1 % changed, 0.5 % deleted, 0.5 % new; returns how many of each. */
  mutate() {
    const n = this.size
    let changed = 0
    let deleted = 0
    for (let i = 1; i <= n; i++) {
      if (i % 100 === 7) {
        this.versions.set(i, 1)
        changed++
      } else if (i % 200 === 13) {
        this.deleted.add(i)
        deleted++
      }
    }
    const added = Math.floor(n / 200)
    this.size += added
    return { changed, deleted, added }
  }
}

const NoHttp = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) => Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport" })))
)

const baseline = (n: number) => {
  const start = performance.now()
  let sink = 0
  for (let i = 1; i <= n; i++) {
    const digest = Crypto.hash("sha256", JSON.stringify(employee(i)), "buffer") as Buffer
    sink ^= digest[0]!
  }
  const ms = performance.now() - start
  return { ms, rate: n / (ms / 1000), sink }
}

export const run = async (args: ReadonlyArray<string>) => {
  const n = option(args, "--records", 1_000_000)
  const provider = new Synthetic(n)
  const connector = Connector.define({
    id: "synthetic",
    name: "Synthetic HR",
    category: "hris",
    credentials: Schema.Struct({}),
    auth: Auth.bearer(() => "none"),
    baseUrl: () => "http://synthetic.invalid",
    check: () => Effect.void,
    readers: [{ model: Employee.model, mode: "full", readAll: () => provider.readAll() }]
  })

  const heapBefore = heapUsed()
  // Delivery stand-in: each page's events are acked right after their commit and forgotten (an
  // outbox retention of 0), so memory holds fingerprints rather than payloads. That time is measured
  // apart and left out of the detection rate.
  let ackMs = 0
  let acked = 0
  const storeAckingEachPage = Layer.effect(
    Store.Store,
    Effect.gen(function*() {
      const inner = yield* StoreMemory.make
      const vault = yield* Vault.Vault
      return {
        ...inner,
        commit: (page) =>
          Effect.zipRight(
            inner.commit(page),
            Effect.suspend(() => {
              const start = performance.now()
              const at = page.events[0]?.createdAt ?? 0
              return ackAll({ store: inner, vault }, at).pipe(
                  // Retention 0: what is acked is forgotten at once, so the outbox stays drained.
                  Effect.zipRight(inner.outbox.purge(Number.MAX_SAFE_INTEGER)),
                  Effect.ensuring(Effect.sync(() => {
                    ackMs += performance.now() - start
                    acked += page.events.length
                  }))
                )
            })
          )
      } satisfies Store.StoreService
    })
  )
  const layer = SyncEngine.layer().pipe(
    Layer.provideMerge(Integrations.layer),
    Layer.provideMerge(Connectors.layer([connector])),
    Layer.provideMerge(OutboxSignal.layer),
    Layer.provideMerge(storeAckingEachPage),
    Layer.provideMerge(Vault.layer({ current: { id: "bench", key: Vault.generateKey() } })),
    Layer.provideMerge(NoHttp)
  )

  const program = Effect.gen(function*() {
    const store = yield* Store.Store
    const vault = yield* Vault.Vault
    const integrations = yield* Integrations.Integrations
    const engine = yield* SyncEngine.SyncEngine
    const now = yield* Clock.currentTimeMillis
    const integrationId = Ids.at("int", now)
    yield* store.integrations.put({
      id: integrationId, tenant: "bench", connector: "synthetic", status: "active",
      credentials: yield* Effect.orDie(integrations.seal(connector, integrationId, {})), createdAt: now, updatedAt: now
    })
    const destinationId = Ids.at("dst", now)
    yield* store.destinations.put({
      id: destinationId, url: "https://bench.invalid", secrets: vault.sealJson([], destinationId), enabled: true,
      options: {}, maxConcurrency: 32, createdAt: now, updatedAt: now
    })
    const syncId = Ids.at("syn", now)
    yield* store.syncs.put({
      id: syncId, integrationId, destinationId, models: [{ model: "hris.employee" }], frequencyMs: 3_600_000,
      status: "active", includeInactive: false, createdAt: now, updatedAt: now
    })

    const phase = (type: "initial" | "delta") =>
      Effect.gen(function*() {
        const acksBefore = ackMs
        const start = performance.now()
        const result = yield* engine.run(syncId, { type })
        const wallMs = performance.now() - start
        const ackShare = ackMs - acksBefore
        return { ms: wallMs - ackShare, wallMs, ackMs: ackShare, result }
      })

    const initial = yield* phase("initial")
    const mutation = provider.mutate()
    const delta = yield* phase("delta")
    // Settle the run events too, then forget everything settled: the outbox is drained.
    const at = yield* Clock.currentTimeMillis
    yield* ackAll({ store, vault }, at)
    const purged = yield* store.outbox.purge(Number.MAX_SAFE_INTEGER)
    const tracked = yield* store.fingerprints.count({ syncId, model: "hris.employee" })
    const heapAfter = heapUsed()
    return { initial, delta, mutation, purged, tracked, heapAfter, keep: store }
  })

  const ours = await Effect.runPromise(Effect.provide(program, layer))
  const base = baseline(n)
  const initialRate = n / (ours.initial.ms / 1000)
  const deltaRecords = provider.size - ours.mutation.deleted
  const deltaRate = deltaRecords / (ours.delta.ms / 1000)
  const trackedCount = ours.tracked.active + ours.tracked.inactive
  const bytesPerRecord = (ours.heapAfter - heapBefore) / trackedCount
  const ratio = Math.min(initialRate, deltaRate) / base.rate
  const audit = ours.delta.result.models["hris.employee"]!.counters
  report([
    `records: ${n.toLocaleString()} (delta: ${ours.mutation.changed} changed, ${ours.mutation.deleted} deleted, ${ours.mutation.added} new)`,
    `initial: ${round(ours.initial.ms / 1000, 2)} s, ${Math.round(initialRate).toLocaleString()} records/s (+ ${round(ours.initial.ackMs / 1000, 2)} s acking its events)`,
    `delta:   ${round(ours.delta.ms / 1000, 2)} s, ${Math.round(deltaRate).toLocaleString()} records/s (+ ${round(ours.delta.ackMs / 1000, 2)} s acking; emitted new ${audit.new}, changed ${audit.changed}, deleted ${audit.deleted})`,
    `baseline JSON.stringify + SHA-256: ${round(base.ms / 1000, 2)} s, ${Math.round(base.rate).toLocaleString()} records/s`,
    `store: ${round(bytesPerRecord, 1)} bytes per tracked record (${trackedCount.toLocaleString()} tracked; outbox drained, ${acked.toLocaleString()} events acked, ${ours.purged.toLocaleString()} purged)`,
    `peak RSS: ${peakRssMB()} MB`,
    `ratio ÷ baseline: initial ${round(initialRate / base.rate, 3)}, delta ${round(deltaRate / base.rate, 3)} (reported: the slower phase, ${round(ratio, 3)})`
  ], {
    name: "detect",
    ratio: round(ratio, 3),
    initialRatio: round(initialRate / base.rate, 3),
    deltaRatio: round(deltaRate / base.rate, 3),
    peakRssMB: peakRssMB(),
    records: n,
    initialRecordsPerSec: Math.round(initialRate),
    deltaRecordsPerSec: Math.round(deltaRate),
    baselineRecordsPerSec: Math.round(base.rate),
    storeBytesPerRecord: round(bytesPerRecord, 1),
    emitted: { initial: ours.initial.result.models["hris.employee"]!.counters.new, delta: audit }
  })
}

// Acks everything claimable, as an instant receiver would, until nothing is left.
const ackAll = (deps: RunEvents.Deps, at: number) =>
  Effect.gen(function*() {
    while (true) {
      const claimed = yield* deps.store.outbox.claimDue({ now: at, limit: 10_000, leaseMs: 60_000 })
      if (claimed.length === 0) return
      for (const entry of claimed) yield* RunEvents.settle(deps, entry, { _tag: "Acked", at, attempts: 1, firstAttemptAt: at }, at)
    }
  })
