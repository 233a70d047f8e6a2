/**
 * `npm run bench -- deliver [--events N] [--records N] [--concurrency N]
 *   [--store memory|sqlite] [--profile <file.cpuprofile>] [--no-profile]`
 *
 * Delivery from the outbox to the loopback receiver (a child process that
 * verifies every signature, see receiver.ts), against a same-run baseline of
 * raw undici POSTs of the very bodies Weft delivered, signed afresh, at the
 * same concurrency to the same receiver.
 *
 * Ours: record events committed to the store (`--store`, memory by default)
 * in pages of 500, as the sync engine commits them, while the delivery
 * workers (real webhook sink over undici, one destination, maxConcurrency =
 * concurrency) claim, open, sign, send and settle them, keeping per-record
 * order (each record has events/records events, one per run). The clock runs
 * from the first commit until the last ack. Latency: enqueue → ack.
 * Baseline: the bodies the receiver recorded from ours (first delivery of
 * each id, arrival order), `concurrency` loops each POSTing the next body
 * with fresh signature headers (rawPosts.ts). Latency: request → response.
 * A third, informative figure: the webhook sink alone (no outbox, no store)
 * on up to 10,000 of the same bodies.
 *
 * Where ours' time went: an extra run of ours, after the measured ones, under
 * the CPU profiler (node:inspector), its time shares printed (profile.ts);
 * the measured run is never profiled. `--no-profile` skips that run.
 */
import { Delivery } from "@weft/core/delivery"
import type { ChangeDetector } from "@weft/core/engine"
import { Envelope, RunEvents } from "@weft/core/outbox"
import { Ids } from "@weft/core/ground"
import { Sink } from "@weft/core/sink"
import { OutboxSignal, Rows, Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { performance } from "node:perf_hooks"
import { flag, option, peakRssMB, percentile, report, round, target, targetLines, text } from "./harness.js"
import { type CpuProfile, saveProfile, sharesLine, sharesObject, startProfiler, summarise, topFunctions } from "./profile.js"
import { rawPosts } from "./rawPosts.js"
import { type Body, type Receiver, startReceiver } from "./receiver.js"
import { type BenchStore, benchStore, storeOption } from "./stores.js"

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const MODEL = "hris.employee"
const PAGE = 500

interface Figures {
  readonly events: number
  readonly ms: number
  readonly eventsPerSec: number
  readonly p50Ms: number
  readonly p99Ms: number
}

// --- events -------------------------------------------------------------------

/** A realistic employee record of about 1 KB once wrapped in the event envelope. */
const employee = (recordId: string, rev: number) => ({
  id: recordId,
  remoteUpdatedAt: new Date(Date.UTC(2026, 0, 1) + rev * 3_600_000).toISOString(),
  profile: {
    firstName: `First${recordId}`,
    lastName: `Last${recordId}`,
    preferredName: `Pref${recordId}`,
    workEmail: `person${recordId}@example.com`,
    personalEmail: `person${recordId}.home@example.org`,
    dateOfBirth: "1990-04-12",
    gender: "female",
    workPhone: "+44 20 7946 0018",
    mobilePhone: "+44 7700 900123"
  },
  employment: { status: "active", type: "full_time", startDate: "2024-01-01", employeeNumber: `E-${recordId.padStart(6, "0")}` },
  orgStructure: {
    jobTitle: `Senior Engineer L${rev}`,
    department: "Research & Development",
    division: "Product",
    location: "London HQ",
    managerId: String((Number(recordId) % 50) + 1)
  },
  compensation: { fixed: [{ amount: `${5000 + rev}.00`, currency: "EUR", period: "month" }], variable: [] },
  address: { line1: `${recordId} Example Street`, city: "London", postalCode: "EC1A 1BB", country: "GB" },
  customFields: { costCenter: `CC-${(Number(recordId) % 97).toString().padStart(3, "0")}`, shirtSize: "M" }
})

const changesOf = (records: number, run: number): ReadonlyArray<ChangeDetector.Change> =>
  Array.from({ length: records }, (_, i) => ({
    type: run === 0 ? "record.new" : "record.changed",
    recordId: String(i + 1),
    data: JSON.stringify(employee(String(i + 1), run))
  }) as const)

// --- ours ---------------------------------------------------------------------

const keys: Vault.VaultKeys = { current: { id: "bench", key: Redacted.make(Buffer.alloc(32, 3).toString("base64")) } }

/** The webhook sink, noting when each event was acked. */
const timedSink = (acked: Map<string, number>, onAck: () => void) =>
  Layer.scoped(
    Sink.Sink,
    Effect.map(SinkWebhook.make({ allowHosts: ["127.0.0.1"] }), (inner) =>
      Sink.Sink.of({
        validate: inner.validate,
        deliver: (destination, attempt) =>
          Effect.map(inner.deliver(destination, attempt), (outcome) => {
            if (outcome._tag === "Acked") {
              acked.set(attempt.eventId, performance.now())
              onAck()
            }
            return outcome
          })
      }))
  )

interface Ours extends Figures {
  readonly runEvents: number
  readonly profile?: CpuProfile | undefined
}

const runOurs = async (
  store: BenchStore,
  url: string,
  events: number,
  records: number,
  concurrency: number,
  profiled = false
): Promise<Ours> => {
  const runs = Math.ceil(events / records)
  const total = events + 2 * runs // + allEmitted and allConsumed of each run
  const acked = new Map<string, number>()
  const enqueued = new Map<string, number>()
  let done: (() => void) | undefined
  const finished = new Promise<void>((resolve) => (done = resolve))
  const layer = Delivery.layer().pipe(
    Layer.provideMerge(timedSink(acked, () => acked.size === total && done?.())),
    Layer.provideMerge(Layer.mergeAll(store.layer(), Vault.layer(keys), OutboxSignal.layer))
  )
  const runtime = ManagedRuntime.make(layer)
  // The records' JSON is the provider's data, made before the clock runs (the baseline's bodies are too).
  const changesByRun = Array.from({ length: runs }, (_, run) => changesOf(Math.min(records, events - run * records), run))
  const fill = Effect.gen(function*() {
    const store = yield* Store.Store
    const vault = yield* Vault.Vault
    const signal = yield* OutboxSignal.OutboxSignal
    const now0 = yield* Clock.currentTimeMillis
    const destinationId = Ids.at("dst", now0)
    yield* store.destinations.put({
      id: destinationId,
      url: `${url}/hooks/weft`,
      secrets: vault.sealJson([SECRET], destinationId),
      enabled: true,
      options: {},
      maxConcurrency: concurrency,
      createdAt: now0,
      updatedAt: now0
    })
    const started = yield* Deferred.make<number>()
    for (let run = 0; run < runs; run++) {
      const startedAt = yield* Clock.currentTimeMillis
      const row: Rows.RunRow = {
        id: Ids.at("run", startedAt),
        syncId: "syn_bench",
        destinationId,
        integrationId: "int_bench",
        connector: "bench",
        tenant: "acme",
        type: run === 0 ? "initial" : "delta",
        status: "running",
        startedAt,
        models: {},
        warnings: [],
        errors: [],
        delivery: Rows.emptyDelivery
      }
      yield* store.runs.create(row)
      const writer = Envelope.writer(vault, Envelope.ofRun(row, destinationId))
      const changes = changesByRun[run]!
      const audit: Rows.ModelAudit = { model: MODEL, status: "succeeded", counters: Rows.emptyCounters, fullRead: false, invalidRecords: [], warnings: [] }
      for (let i = 0; i < changes.length; i += PAGE) {
        const now = yield* Clock.currentTimeMillis
        const entries = writer.records(MODEL, changes.slice(i, i + PAGE), now)
        const at = performance.now()
        yield* Deferred.succeed(started, at)
        for (const e of entries) enqueued.set(e.id, at)
        yield* store.commit({ scope: { syncId: "syn_bench", model: MODEL }, upserts: [], deletes: [], events: entries, run: { runId: row.id, audit } })
        yield* signal.notify(destinationId)
        // Let the workers run between pages, as they would while a connector reads the next page.
        yield* Effect.yieldNow()
      }
      const finishedAt = yield* Clock.currentTimeMillis
      const allEmitted = writer.run("sync.events.allEmitted", {
        status: "succeeded",
        processed: changes.length,
        emitted: { new: run === 0 ? changes.length : 0, changed: run === 0 ? 0 : changes.length, deleted: 0, total: changes.length },
        invalid: 0,
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: new Date(finishedAt).toISOString()
      }, finishedAt)
      enqueued.set(allEmitted.id, performance.now())
      yield* store.runs.close({ run: { ...row, status: "succeeded", finishedAt }, allEmitted })
      yield* RunEvents.consume({ store, vault }, row.id, destinationId, finishedAt)
      yield* signal.notify(destinationId)
    }
    return yield* Deferred.await(started)
  })
  try {
    await runtime.runPromise(Effect.void) // build the layer (workers start) before the clock runs
    const profiler = profiled ? await startProfiler() : undefined
    const start = await runtime.runPromise(fill)
    await finished
    const profile = await profiler?.stop()
    const end = Math.max(...acked.values())
    const latencies: Array<number> = []
    for (const [id, at] of enqueued) {
      const ack = acked.get(id)
      if (ack !== undefined) latencies.push(ack - at)
    }
    const ms = end - start
    return {
      events: total,
      runEvents: 2 * runs,
      ms: round(ms),
      eventsPerSec: Math.round(total / (ms / 1000)),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      profile
    }
  } finally {
    await runtime.dispose()
  }
}

/**
 * The webhook sink alone, no outbox: the same bodies through
 * `SinkWebhook.deliver` at the same concurrency. Not part of the ratio; it
 * shows how much of ours is the transport.
 */
const runSinkOnly = async (url: string, bodies: ReadonlyArray<Body>, concurrency: number): Promise<Figures> => {
  const runtime = ManagedRuntime.make(SinkWebhook.layer({ allowHosts: ["127.0.0.1"] }))
  const destination = { id: "dst_bench", url: `${url}/hooks/weft`, secrets: [Redacted.make(SECRET)], options: {} }
  const latencies: Array<number> = new Array(bodies.length)
  try {
    const start = performance.now()
    const failures = await runtime.runPromise(
      Effect.flatMap(Sink.Sink, (sink) =>
        Effect.forEach(bodies, ({ body, id }, i) =>
          Effect.suspend(() => {
            const t0 = performance.now()
            return Effect.map(sink.deliver(destination, { eventId: id, eventType: "record.changed", body, attempt: 1 }), (outcome) => {
              latencies[i] = performance.now() - t0
              return outcome._tag === "Acked" ? 0 : 1
            })
          }), { concurrency }))
    )
    const ms = performance.now() - start
    const failed = failures.reduce((a: number, b: number) => a + b, 0)
    if (failed > 0) throw new Error(`sink only: ${failed} deliveries were not acknowledged`)
    return {
      events: bodies.length,
      ms: round(ms),
      eventsPerSec: Math.round(bodies.length / (ms / 1000)),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99))
    }
  } finally {
    await runtime.dispose()
  }
}

// --- baseline -----------------------------------------------------------------

const runBaseline = async (url: string, bodies: ReadonlyArray<Body>, concurrency: number): Promise<Figures> => {
  const { latencies, ms } = await rawPosts({ url, path: "/hooks/weft", secret: SECRET, bodies, concurrency })
  return {
    events: bodies.length,
    ms: round(ms),
    eventsPerSec: Math.round(bodies.length / (ms / 1000)),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99))
  }
}

/** Ours on `events`, recording what the receiver got: the figures and the bodies, checked complete. */
const oursRecorded = async (receiver: Receiver, store: BenchStore, events: number, records: number, concurrency: number, profiled = false) => {
  await receiver.reset(true)
  const ours = await runOurs(store, receiver.url, events, records, concurrency, profiled)
  const counts = await receiver.counts()
  const bodies = await receiver.bodies()
  if (counts.rejected > 0) throw new Error(`the receiver rejected ${counts.rejected} deliveries`)
  if (counts.ids < ours.events || bodies.length !== counts.ids) throw new Error(`the receiver verified ${counts.ids} distinct events of ${ours.events}`)
  return { ours, bodies }
}

// --- main ---------------------------------------------------------------------

export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const events = option(args, "--events", 50_000)
  const records = option(args, "--records", 10_000)
  const concurrency = option(args, "--concurrency", 32)
  const store = benchStore(storeOption(args))
  const profileFile = text(args, "--profile")
  const profiling = !flag(args, "--no-profile")
  const receiver = await startReceiver(SECRET)
  try {
    // Warm both paths up (JIT, connections) on a small run.
    const warm = await oursRecorded(receiver, store, 1_000, 500, concurrency)
    await runBaseline(receiver.url, warm.bodies, concurrency)
    await receiver.reset(false)

    const { bodies, ours } = await oursRecorded(receiver, store, events, records, concurrency)
    const baseline = await runBaseline(receiver.url, bodies, concurrency)
    const sinkOnly = await runSinkOnly(receiver.url, bodies.slice(0, Math.min(bodies.length, 10_000)), concurrency)
    const after = await receiver.counts()
    if (after.rejected > 0) throw new Error(`the receiver rejected ${after.rejected} deliveries`)
    // Where the time went, from an extra run of ours under the profiler: the measured run stays unprofiled.
    const profiled = profiling ? (await oursRecorded(receiver, store, events, records, concurrency, true)).ours : undefined

    const ratio = round(ours.eventsPerSec / baseline.eventsPerSec, 3)
    const peak = peakRssMB()
    const avgBody = Math.round(bodies.reduce((n, b) => n + b.body.length, 0) / bodies.length)
    const profile = profiled?.profile
    const shares = profile === undefined ? undefined : summarise(profile)
    if (profile !== undefined && profileFile !== undefined) await saveProfile(profile, profileFile)
    const targets = store.name === "memory" ? [target("ratio", ratio, ">=", 0.5)] : []
    report(
      [
        `deliver (store ${store.name}): ${events} record events over ${records} records (+${ours.runEvents} run events), ~${avgBody} B bodies, concurrency ${concurrency}`,
        `  ours     ${ours.eventsPerSec} events/s  (${ours.events} in ${ours.ms} ms)  enqueue→ack p50 ${ours.p50Ms} ms  p99 ${ours.p99Ms} ms`,
        `  baseline ${baseline.eventsPerSec} events/s  (${baseline.events} in ${baseline.ms} ms)  request→response p50 ${baseline.p50Ms} ms  p99 ${baseline.p99Ms} ms`,
        `  sink alone (SinkWebhook.deliver, no outbox) ${sinkOnly.eventsPerSec} events/s  (${sinkOnly.events} in ${sinkOnly.ms} ms)  p50 ${sinkOnly.p50Ms} ms  p99 ${sinkOnly.p99Ms} ms`,
        `  ratio (ours ÷ baseline events/s) ${ratio}   peak RSS ${peak} MB`,
        ...(shares === undefined ? [] : [
          `  where ours' time went (an extra run under the CPU profiler, ${profiled!.eventsPerSec} events/s): ${sharesLine(shares)}`,
          ...topFunctions(profile!, 8).map((l) => `    ${l}`)
        ]),
        ...(profileFile === undefined || shares === undefined ? [] : [`  CPU profile of that run: ${profileFile} (top functions: ${profileFile}.top.txt)`]),
        ...targetLines(targets)
      ],
      {
        name: "deliver",
        store: store.name,
        ratio,
        eventsPerSec: ours.eventsPerSec,
        peakRssMB: peak,
        events,
        records,
        concurrency,
        bodyBytes: avgBody,
        ours: { ...ours, profile: undefined },
        baseline,
        sinkOnly,
        receiver: { verified: after.verified, rejected: after.rejected },
        ...(shares === undefined ? {} : { timeShares: sharesObject(shares), profiledRunEventsPerSec: profiled!.eventsPerSec }),
        targets
      }
    )
  } finally {
    await receiver.close()
    store.close()
  }
}
