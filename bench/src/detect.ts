/**
 * `npm run bench -- detect [--records N] [--reps N] [--store memory|sqlite]
 *   [--profile <file.cpuprofile>] [--no-profile]`
 *
 * Change detection through the sync engine and the store, outbox writes
 * included. N synthetic employees (~400 bytes each; default 500,000 on
 * memory, 100,000 on SQLite, so that a whole run stays within a few minutes): an initial run, then a delta with 1 % changed,
 * 0.5 % deleted and 0.5 % new.
 *
 * Baseline, same process: a bare loop of JSON.stringify + SHA-256 over the
 * same records (the initial run's, then the delta's). Baseline and ours
 * alternate: baseline initial, ours initial, baseline delta, ours delta,
 * `--reps` times (default 3), each ours repetition on a fresh store and
 * engine; the figures are the medians of each side, per phase.
 *
 * Memory: each page's events are acked and purged right after their commit,
 * as an instant delivery would, so memory holds fingerprints, not payloads;
 * that acking is timed apart and left out of the detection rate. SQLite: the
 * events stay pending in the outbox file for a disabled destination (which
 * the engine's outbox backpressure never waits for), as when delivery lags
 * behind a sync.
 *
 * Where ours' time went: an extra repetition after the measured ones, under
 * the CPU profiler (node:inspector), each phase apart, their time shares
 * printed (profile.ts); it is not in the medians. `--no-profile` skips it.
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
import { flag, heapUsed, median, option, peakRssMB, report, round, type Target, target, targetLines, text } from "./harness.js"
import { type CpuProfile, saveProfile, sharesLine, sharesObject, startProfiler, summarise, topFunctions } from "./profile.js"
import { employee } from "./synthetic.js"
import { type BenchStore, benchStore, storeOption } from "./stores.js"

const PAGE = 1000

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

interface Side {
  readonly ms: number
  readonly records: number
  readonly rate: number
}

/** JSON.stringify + SHA-256 of each record the provider serves now. */
const baseline = (provider: Synthetic): Side => {
  const start = performance.now()
  let sink = 0
  let records = 0
  for (let i = 1; i <= provider.size; i++) {
    if (provider.deleted.has(i)) continue
    const digest = Crypto.hash("sha256", JSON.stringify(employee(i, provider.versions.get(i) ?? 0)), "buffer") as Buffer
    sink ^= digest[0]!
    records++
  }
  const ms = performance.now() - start
  if (sink === -1) console.log("") // keeps the digests alive
  return { ms, records, rate: records / (ms / 1000) }
}

interface Phase extends Side {
  /** Wall time including the acking of its events (memory). */
  readonly wallMs: number
  readonly ackMs: number
  readonly counters: { readonly new: number; readonly changed: number; readonly deleted: number }
  readonly profile?: CpuProfile | undefined
}

interface Rep {
  readonly initial: Phase
  readonly delta: Phase
  readonly baseInitial: Side
  readonly baseDelta: Side
  readonly mutation: { readonly changed: number; readonly deleted: number; readonly added: number }
  readonly tracked: number
  readonly acked: number
  readonly purged: number
  readonly bytesPerRecord: number
}

/** One repetition: baseline initial, ours initial, baseline delta, ours delta, on a fresh store and engine. */
const repetition = async (n: number, benchStoreOf: BenchStore, profiled: boolean): Promise<Rep> => {
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
  const acking = benchStoreOf.name === "memory"

  const heapBefore = heapUsed()
  // Delivery stand-in (memory): each page's events are acked right after their commit and forgotten
  // (an outbox retention of 0), so memory holds fingerprints rather than payloads. That time is
  // measured apart and left out of the detection rate.
  let ackMs = 0
  let acked = 0
  const storeAckingEachPage = Layer.effect(
    Store.Store,
    Effect.gen(function*() {
      const inner = yield* Store.Store
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
  ).pipe(Layer.provide(benchStoreOf.layer()))
  const vaultLayer = Vault.layer({ current: { id: "bench", key: Vault.generateKey() } })
  const layer = SyncEngine.layer().pipe(
    Layer.provideMerge(Integrations.layer),
    Layer.provideMerge(Connectors.layer([connector])),
    Layer.provideMerge(OutboxSignal.layer),
    Layer.provideMerge(acking ? storeAckingEachPage : benchStoreOf.layer()),
    Layer.provideMerge(vaultLayer),
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
      // Not acking (SQLite): a disabled destination holds its events, so the engine's outbox backpressure never waits.
      id: destinationId, url: "https://bench.invalid", secrets: vault.sealJson([], destinationId), enabled: acking,
      options: {}, maxConcurrency: 32, createdAt: now, updatedAt: now
    })
    const syncId = Ids.at("syn", now)
    yield* store.syncs.put({
      id: syncId, integrationId, destinationId, models: [{ model: "hris.employee" }], frequencyMs: 3_600_000,
      status: "active", includeInactive: false, createdAt: now, updatedAt: now
    })

    const phase = (type: "initial" | "delta", records: number) =>
      Effect.gen(function*() {
        const profiler = profiled ? yield* Effect.promise(() => startProfiler()) : undefined
        const acksBefore = ackMs
        const start = performance.now()
        const result = yield* engine.run(syncId, { type })
        const wallMs = performance.now() - start
        const profile = profiler === undefined ? undefined : yield* Effect.promise(profiler.stop)
        const ackShare = ackMs - acksBefore
        const ms = wallMs - ackShare
        const counters = result.models["hris.employee"]!.counters
        return { ms, records, rate: records / (ms / 1000), wallMs, ackMs: ackShare, counters, profile } satisfies Phase
      })

    const baseInitial = baseline(provider)
    const initial = yield* phase("initial", n)
    const mutation = provider.mutate()
    const baseDelta = baseline(provider)
    const delta = yield* phase("delta", baseDelta.records)
    if (!acking) return { initial, delta, mutation, baseInitial, baseDelta, purged: 0, tracked: 0, heapAfter: 0 }
    // Settle the run events too, then forget everything settled: the outbox is drained.
    const at = yield* Clock.currentTimeMillis
    yield* ackAll({ store, vault }, at)
    const purged = yield* store.outbox.purge(Number.MAX_SAFE_INTEGER)
    const counts = yield* store.fingerprints.count({ syncId, model: "hris.employee" })
    const tracked = counts.active + counts.inactive
    return { initial, delta, mutation, baseInitial, baseDelta, purged, tracked, heapAfter: heapUsed() }
  })

  const out = await Effect.runPromise(Effect.scoped(Effect.provide(program, layer)))
  return {
    ...out,
    acked,
    bytesPerRecord: out.tracked === 0 ? 0 : (out.heapAfter - heapBefore) / out.tracked
  }
}

export const run = async (args: ReadonlyArray<string>) => {
  const store = benchStore(storeOption(args))
  const n = option(args, "--records", store.name === "memory" ? 500_000 : 100_000)
  const reps = option(args, "--reps", 3)
  const profileFile = text(args, "--profile")
  const profiling = !flag(args, "--no-profile")
  const done: Array<Rep> = []
  let profiled: Rep | undefined
  try {
    const line = (what: string, r: Rep) =>
      console.log(
        `  ${what}: baseline ${Math.round(r.baseInitial.rate).toLocaleString()} / ${Math.round(r.baseDelta.rate).toLocaleString()} records/s, ` +
          `ours initial ${Math.round(r.initial.rate).toLocaleString()} records/s (${round(r.initial.ms / 1000, 2)} s), delta ${Math.round(r.delta.rate).toLocaleString()} records/s (${round(r.delta.ms / 1000, 2)} s); ` +
          `ratios ${round(r.initial.rate / r.baseInitial.rate, 3)} / ${round(r.delta.rate / r.baseDelta.rate, 3)}`
      )
    for (let rep = 0; rep < reps; rep++) {
      const r = await repetition(n, store, false)
      done.push(r)
      line(`rep ${rep + 1}/${reps}`, r)
    }
    // Where the time went, from an extra repetition under the profiler: the measured ones stay unprofiled.
    if (profiling) {
      profiled = await repetition(n, store, true)
      line("profiled extra rep (not in the medians)", profiled)
    }
  } finally {
    store.close()
  }
  const last = done[done.length - 1]!
  const initialRate = median(done.map((r) => r.initial.rate))
  const deltaRate = median(done.map((r) => r.delta.rate))
  const baseInitialRate = median(done.map((r) => r.baseInitial.rate))
  const baseDeltaRate = median(done.map((r) => r.baseDelta.rate))
  const initialRatio = round(initialRate / baseInitialRate, 3)
  const deltaRatio = round(deltaRate / baseDeltaRate, 3)
  const ratio = Math.min(initialRatio, deltaRatio)
  const audit = last.delta.counters
  const initialProfile = profiled?.initial.profile
  const deltaProfile = profiled?.delta.profile
  const initialShares = initialProfile === undefined ? undefined : summarise(initialProfile)
  const deltaShares = deltaProfile === undefined ? undefined : summarise(deltaProfile)
  if (profileFile !== undefined && initialProfile !== undefined) {
    await saveProfile(initialProfile, profileFile)
    if (deltaProfile !== undefined) await saveProfile(deltaProfile, profileFile.replace(/(\.cpuprofile)?$/, ".delta.cpuprofile"))
  }
  const targets: Array<Target> = store.name === "memory"
    ? [target("initial ratio", initialRatio, ">=", 0.5), target("delta ratio", deltaRatio, ">=", 0.5)]
    : [target("initial ratio", initialRatio, ">=", 0.3)]
  const peak = peakRssMB()
  report([
    `detect (store ${store.name}): ${n.toLocaleString()} records (delta: ${last.mutation.changed} changed, ${last.mutation.deleted} deleted, ${last.mutation.added} new), medians of ${reps} alternating repetitions`,
    `initial: ${Math.round(initialRate).toLocaleString()} records/s (${round(median(done.map((r) => r.initial.ms)) / 1000, 2)} s${store.name === "memory" ? `, + ${round(median(done.map((r) => r.initial.ackMs)) / 1000, 2)} s acking its events` : ""}); baseline ${Math.round(baseInitialRate).toLocaleString()} records/s`,
    `delta:   ${Math.round(deltaRate).toLocaleString()} records/s (${round(median(done.map((r) => r.delta.ms)) / 1000, 2)} s; emitted new ${audit.new}, changed ${audit.changed}, deleted ${audit.deleted}); baseline ${Math.round(baseDeltaRate).toLocaleString()} records/s`,
    ...(store.name === "memory"
      ? [`store: ${round(last.bytesPerRecord, 1)} bytes per tracked record (${last.tracked.toLocaleString()} tracked; outbox drained, ${last.acked.toLocaleString()} events acked, ${last.purged.toLocaleString()} purged)`]
      : []),
    `peak RSS: ${peak} MB`,
    `ratio ÷ baseline (medians): initial ${initialRatio}, delta ${deltaRatio} (reported: the lower, ${ratio})`,
    ...(initialShares === undefined ? [] : [`where the initial run's time went (profiled extra rep): ${sharesLine(initialShares)}`, ...topFunctions(initialProfile!, 8).map((l) => `    ${l}`)]),
    ...(deltaShares === undefined ? [] : [`where the delta's time went (profiled extra rep): ${sharesLine(deltaShares)}`]),
    ...(profileFile === undefined || initialShares === undefined ? [] : [`CPU profiles of the profiled rep: ${profileFile} (initial) and its .delta one; top functions in <file>.top.txt`]),
    ...targetLines(targets)
  ], {
    name: "detect",
    store: store.name,
    ratio,
    initialRatio,
    deltaRatio,
    peakRssMB: peak,
    records: n,
    reps,
    initialRecordsPerSec: Math.round(initialRate),
    deltaRecordsPerSec: Math.round(deltaRate),
    baselineInitialRecordsPerSec: Math.round(baseInitialRate),
    baselineDeltaRecordsPerSec: Math.round(baseDeltaRate),
    perRep: done.map((r) => ({
      baselineInitial: Math.round(r.baseInitial.rate),
      initial: Math.round(r.initial.rate),
      baselineDelta: Math.round(r.baseDelta.rate),
      delta: Math.round(r.delta.rate),
      initialRatio: round(r.initial.rate / r.baseInitial.rate, 3),
      deltaRatio: round(r.delta.rate / r.baseDelta.rate, 3)
    })),
    ...(store.name === "memory" ? { storeBytesPerRecord: round(last.bytesPerRecord, 1) } : {}),
    emitted: { initial: last.initial.counters.new, delta: audit },
    ...(profiled === undefined ? {} : { profiledRep: { initial: Math.round(profiled.initial.rate), delta: Math.round(profiled.delta.rate) } }),
    ...(initialShares === undefined ? {} : { timeShares: { initial: sharesObject(initialShares), ...(deltaShares === undefined ? {} : { delta: sharesObject(deltaShares) }) } }),
    targets
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
