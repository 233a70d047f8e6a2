/**
 * `npm run bench -- e2e [--employees N] [--concurrency N] [--store memory|sqlite]
 *   [--profile <file.cpuprofile>] [--no-profile]`
 *
 * The initial sync end to end: a fake BambooHR company of N employees
 * (default 100,000; the standard field set, one list request per page of
 * 500) → Weft (connector, sync engine, the store, delivery, the webhook sink
 * over undici) → the loopback receiver (a child process that verifies every
 * signature, see receiver.ts). Wall time runs from `integrations.connect`
 * until the receiver acknowledges the run's `sync.events.allConsumed`.
 *
 * Baseline, same run, the physical limit of the same work, pipelined: raw
 * page reads (plain undici GETs of every list page, same page size and
 * fields, following `nextCursor`) feed raw signed POSTs (rawPosts.ts,
 * `concurrency` loops, a Pool to the same receiver) concurrently. The POSTed
 * bodies are the ones Weft delivered (recorded by the receiver in arrival
 * order), in chunks of the page size: each page read releases one chunk, so
 * its records may be POSTed while the next page is read. Baseline events/s =
 * events ÷ wall time of that pipeline.
 *
 * The fake runs in this process (its time counts in both); the receiver in
 * its own, so `peakRssMB` is Weft's plus the fake's (taken before the
 * baseline runs). Where ours' time went: an extra run of ours, after the
 * measured one and the baseline, under the CPU profiler (node:inspector),
 * its time shares printed (profile.ts); the measured run is never profiled.
 * `--no-profile` skips that run.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { BambooHR } from "@weft/connectors"
import { Api, Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { BambooHRFake } from "@weft/testing"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { performance } from "node:perf_hooks"
import { Pool } from "undici"
import { flag, option, peakRssMB, report, round, type Target, target, targetLines, text } from "./harness.js"
import { type CpuProfile, saveProfile, sharesLine, sharesObject, startProfiler, summarise, topFunctions } from "./profile.js"
import { feed, rawPosts } from "./rawPosts.js"
import { type Body, type Receiver, startReceiver, wallNow } from "./receiver.js"
import { type BenchStore, benchStore, storeOption } from "./stores.js"

const SECRET = "whsec_ZTJlLWJlbmNoLXNpZ25pbmctc2VjcmV0LTAwMDAwMDE="
const PAGE = 500
const SEED = 7
const MODEL = "hris.employee"

// --- ours ---------------------------------------------------------------------

interface Ours {
  readonly events: number
  readonly recordEvents: number
  readonly ms: number
  readonly eventsPerSec: number
  /** From `connect` until the run's audit says reading finished. */
  readonly readMs: number
  /** From `connect` until the first delivery verified at the receiver. */
  readonly firstDeliveryMs: number
  readonly peakRssMB: number
  readonly profile?: CpuProfile | undefined
}

const keys: Vault.VaultKeys = { current: { id: "bench", key: Redacted.make(Buffer.alloc(32, 4).toString("base64")) } }

/** Weft as a host wires it; the fake is local and never throttles, so the connector's pace is lifted. */
const weftLayer = (fake: BambooHRFake.Fake, store: BenchStore) =>
  Weft.layer({ connectors: [BambooHR.connector({ baseUrl: fake.baseUrl, rateLimit: "none", pageSize: PAGE })] }).pipe(
    Layer.provide(Layer.mergeAll(store.layer(), SinkWebhook.layer({ allowHosts: ["127.0.0.1"] }), Vault.layer(keys))),
    Layer.provide(NodeHttpClient.layerUndici)
  )

const runOurs = async (fake: BambooHRFake.Fake, store: BenchStore, receiver: Receiver, concurrency: number, profiled = false): Promise<Ours> => {
  const runtime = ManagedRuntime.make(weftLayer(fake, store))
  try {
    const weft = await runtime.runPromise(Weft.Weft) // the layer is built (workers started) before the clock runs
    const profiler = profiled ? await startProfiler() : undefined
    const consumed = receiver.nextConsumed()
    const start = wallNow()
    const { syncs } = await runtime.runPromise(weft.integrations.connect({
      connector: "bamboohr",
      tenant: "acme",
      credentials: { companyDomain: fake.companyDomain, apiKey: BambooHRFake.keys.admin },
      syncs: [{ models: [MODEL], destination: { url: `${receiver.url}/hooks/weft`, secrets: [SECRET], maxConcurrency: concurrency }, frequency: "1 day" }]
    }))
    const { at: end, runId } = await consumed
    const profile = await profiler?.stop()
    const peak = peakRssMB()
    const run = await runtime.runPromise(weft.runs.get(runId))
    if (run.syncId !== syncs[0]!.id || run.status !== "succeeded") throw new Error(`the initial run ended ${run.status}: ${run.errors.map(Api.describeIssue).join("; ")}`)
    const counts = await receiver.counts()
    const events = run.delivery.recordEvents + 3 // + processed, allEmitted, allConsumed
    if (counts.ids !== events || counts.rejected > 0) {
      throw new Error(`the receiver verified ${counts.ids} distinct events of ${events} (${counts.rejected} rejected)`)
    }
    const ms = end - start
    return {
      events,
      recordEvents: run.delivery.recordEvents,
      ms: round(ms),
      eventsPerSec: Math.round(events / (ms / 1000)),
      readMs: round((run.finishedAt ?? run.startedAt) - start),
      firstDeliveryMs: round(counts.firstAt - start),
      peakRssMB: peak,
      profile
    }
  } finally {
    await runtime.dispose()
  }
}

// --- baseline -----------------------------------------------------------------

interface Baseline {
  readonly events: number
  readonly ms: number
  readonly eventsPerSec: number
  readonly pages: number
  readonly records: number
  /** When the last page had been read, from the start of the pipeline. */
  readMs: number
}

/**
 * Raw page reads feeding raw POSTs: every list page with plain undici GETs,
 * following `nextCursor`; each page read releases the next `PAGE` bodies to
 * the POST loops, which run all along.
 */
const baseline = async (fake: BambooHRFake.Fake, receiverUrl: string, bodies: ReadonlyArray<Body>, concurrency: number): Promise<Baseline> => {
  const pool = new Pool(new URL(fake.url).origin, { connections: 1 })
  const authorization = `Basic ${Buffer.from(`${BambooHRFake.keys.admin}:x`).toString("base64")}`
  const released = feed(bodies)
  const start = performance.now()
  const posting = rawPosts({ url: receiverUrl, path: "/hooks/weft", secret: SECRET, bodies: released, concurrency })
  let pages = 0
  let records = 0
  let after: string | undefined
  try {
    do {
      const query = new URLSearchParams({ fields: BambooHR.LIST_FIELDS.join(","), "page[limit]": String(PAGE) })
      if (after !== undefined) query.set("page[after]", after)
      const response = await pool.request({
        path: `/${fake.companyDomain}/api/v1/employees?${query}`,
        method: "GET",
        headers: { authorization, accept: "application/json" }
      })
      if (response.statusCode !== 200) throw new Error(`baseline read: page ${pages + 1} answered ${response.statusCode}`)
      const page = (await response.body.json()) as { readonly data: ReadonlyArray<unknown>; readonly meta: { readonly page: { readonly nextCursor?: string | null } } }
      pages += 1
      records += page.data.length
      released.release(pages * PAGE)
      after = page.meta.page.nextCursor ?? undefined
    } while (after !== undefined && after.length > 0)
  } finally {
    // Whatever is left (the run events beyond the last page) goes once reading is over.
    released.release(bodies.length)
  }
  const readMs = performance.now() - start
  await posting
  const ms = performance.now() - start
  await pool.close()
  return { events: bodies.length, ms: round(ms), eventsPerSec: Math.round(bodies.length / (ms / 1000)), pages, records, readMs: round(readMs) }
}

// --- main ---------------------------------------------------------------------

export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const employees = option(args, "--employees", 100_000)
  const concurrency = option(args, "--concurrency", 32)
  const store = benchStore(storeOption(args))
  const profileFile = text(args, "--profile")
  const profiling = !flag(args, "--no-profile")
  const receiver = await startReceiver(SECRET)
  const warm = await BambooHRFake.start({ size: 2_000, seed: SEED })
  const fake = await BambooHRFake.start({ size: employees, seed: SEED })
  try {
    // Warm both paths up (JIT, connections) on a small company.
    await receiver.reset(true)
    await runOurs(warm, store, receiver, concurrency)
    const warmBodies = await receiver.bodies()
    await receiver.reset(false)
    await baseline(warm, receiver.url, warmBodies, concurrency)

    await receiver.reset(true)
    const ours = await runOurs(fake, store, receiver, concurrency)
    const bodies = await receiver.bodies()
    await receiver.reset(false)
    const base = await baseline(fake, receiver.url, bodies, concurrency)
    const after = await receiver.counts()
    if (after.rejected > 0 || after.ids !== bodies.length) throw new Error(`the receiver verified ${after.ids} of ${bodies.length} baseline POSTs`)
    if (base.records !== employees) throw new Error(`the baseline read ${base.records} employees of ${employees}`)
    // Where the time went, from an extra run of ours under the profiler: the measured run stays unprofiled.
    let profiled: Ours | undefined
    if (profiling) {
      await receiver.reset(false)
      profiled = await runOurs(fake, store, receiver, concurrency, true)
    }

    const ratio = round(ours.eventsPerSec / base.eventsPerSec, 3)
    const avgBody = Math.round(bodies.reduce((n, b) => n + b.body.length, 0) / bodies.length)
    const profile = profiled?.profile
    const shares = profile === undefined ? undefined : summarise(profile)
    if (profile !== undefined && profileFile !== undefined) await saveProfile(profile, profileFile)
    const targets: Array<Target> = store.name === "memory"
      ? [
        target("ratio", ratio, ">=", 0.5),
        target(`events/s (${employees === 100_000 ? "" : "set for 100,000 employees; "}ours)`, ours.eventsPerSec, ">=", 5_000),
        target(`peak RSS MB (${employees === 100_000 ? "" : "set for 100,000 employees; "}ours)`, ours.peakRssMB, "<", 500)
      ]
      : [target("ratio", ratio, ">=", 0.3)]
    report(
      [
        `e2e (store ${store.name}): initial sync of ${employees} BambooHR employees (${ours.recordEvents} active → record.new, +3 run events), pages of ${PAGE}, ~${avgBody} B bodies, concurrency ${concurrency}`,
        `  ours     ${ours.eventsPerSec} events/s  (${ours.events} in ${ours.ms} ms: reading done at ${ours.readMs} ms, first delivery at ${ours.firstDeliveryMs} ms)  peak RSS ${ours.peakRssMB} MB`,
        `  baseline ${base.eventsPerSec} events/s  (raw reads of ${base.pages} pages feeding raw POSTs: ${base.events} in ${base.ms} ms, reading done at ${base.readMs} ms)`,
        `  ratio (ours ÷ baseline events/s) ${ratio}`,
        ...(shares === undefined ? [] : [
          `  where ours' time went (Weft and the fake; an extra run under the CPU profiler, ${profiled!.eventsPerSec} events/s): ${sharesLine(shares)}`,
          ...topFunctions(profile!, 8).map((l) => `    ${l}`)
        ]),
        ...(profileFile === undefined || shares === undefined ? [] : [`  CPU profile of that run: ${profileFile} (top functions: ${profileFile}.top.txt)`]),
        ...targetLines(targets)
      ],
      {
        name: "e2e",
        store: store.name,
        ratio,
        eventsPerSec: ours.eventsPerSec,
        peakRssMB: ours.peakRssMB,
        employees,
        concurrency,
        pageSize: PAGE,
        bodyBytes: avgBody,
        receiver: "child process",
        ours: { ...ours, profile: undefined },
        baseline: base,
        peakRssWithBaselineMB: peakRssMB(),
        ...(shares === undefined ? {} : { timeShares: sharesObject(shares), profiledRunEventsPerSec: profiled!.eventsPerSec }),
        targets
      }
    )
  } finally {
    await Promise.all([fake.close(), warm.close()])
    await receiver.close()
    store.close()
  }
}
