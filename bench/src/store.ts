/**
 * `npm run bench -- store [--pages N] [--reps N] [--claims N] [--batch N] [--profile <dir>]`
 * (`--profile`: CPU profiles of ours' measured runs in `<dir>`, and the time
 * shares of the last repetition of each store's commits and claims)
 * `npm run bench -- store --workers [--events N] [--concurrency N]` (see storeWorkers.ts)
 *
 * The durable store against its bare drivers, in one process.
 *
 * (a) Page commits. A page is what the sync engine commits per 500 records:
 * 500 fingerprint upserts, 500 `record.new` outbox events (the real event
 * JSON, sealed with the real Vault in one payload per page, as the engine
 * writes them), the model state (cursor) and the run's model audit, through `store.commit(page)`: on
 * store-memory, on store-sql over a SQLite file and over PostgreSQL. The
 * baseline writes the same rows with the bare driver into the same tables
 * (see storeBaseline.ts). Every repetition is a new run of new records (all
 * fingerprint upserts insert), written to ours and to the baseline in
 * alternating order; figures are medians over the repetitions, after a
 * warm-up run.
 *
 * (b) Claim/settle cycles, on each store, over the events (a) left pending:
 * `outbox.claimDue` batches of `--batch` (default 32, the deliver default
 * concurrency), every entry of a batch settled `Acked` concurrently with its
 * lease token, as Delivery does. Events/s; no baseline.
 *
 * The last line is JSON: `ratio` is the lower of the SQLite and Postgres
 * page-commit ratios (ours ÷ bare records/s).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { Rows, Store } from "@weft/core/store"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { StoreMemory } from "@weft/store-memory"
import { TestPostgres } from "@weft/testing/postgres"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { peakRssMB, report, round } from "./harness.js"
import { type CpuProfile, saveProfile, sharesLine, sharesObject, startProfiler, summarise } from "./profile.js"
import { type BareWriter, postgresWriter, sqliteWriter } from "./storeBaseline.js"
import { destinationRow, makePages, newRunId, PAGE, runRow } from "./storePages.js"

const SYNC = "syn_bench"
const DESTINATION = "dst_bench"

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const option = (args: ReadonlyArray<string>, name: string, fallback: number): number => {
  const at = args.indexOf(name)
  const value = at === -1 ? undefined : Number(args[at + 1])
  return value === undefined || !Number.isFinite(value) || value <= 0 ? fallback : Math.floor(value)
}

const text = (args: ReadonlyArray<string>, name: string): string | undefined => {
  const at = args.indexOf(name)
  return at === -1 ? undefined : args[at + 1]
}

// --- writers ------------------------------------------------------------------

/** Writes pages one after another and says how long that took, in ms. */
interface Writer {
  readonly createRun: (run: Rows.RunRow) => Promise<void>
  readonly commitAll: (pages: ReadonlyArray<Rows.PageCommit>) => Promise<number>
}

type StoreRuntime = ManagedRuntime.ManagedRuntime<Store.Store, unknown>

const withStore = <A>(runtime: StoreRuntime, f: (store: Store.StoreService) => Effect.Effect<A, unknown>): Promise<A> =>
  runtime.runPromise(Effect.flatMap(Store.Store, f))

const ours = (runtime: StoreRuntime): Writer => ({
  createRun: (run) => withStore(runtime, (store) => store.runs.create(run)),
  commitAll: (pages) =>
    withStore(runtime, (store) =>
      Effect.gen(function*() {
        const start = performance.now()
        for (const page of pages) yield* store.commit(page)
        return performance.now() - start
      }))
})

const bare = (writer: BareWriter): Writer => ({
  createRun: writer.createRun,
  commitAll: async (pages) => {
    const start = performance.now()
    for (const page of pages) await writer.commit(page)
    return performance.now() - start
  }
})

// --- claim / settle -----------------------------------------------------------

/** Claims batches of due entries and settles each acked, until `events` are settled; events/s. */
const claimSettle = (runtime: StoreRuntime, events: number, batch: number): Promise<number> =>
  withStore(runtime, (store) =>
    Effect.gen(function*() {
      const start = performance.now()
      let settled = 0
      while (settled < events) {
        const now = Date.now()
        const claimed = yield* store.outbox.claimDue({ now, limit: Math.min(batch, events - settled), leaseMs: 120_000, destinationId: DESTINATION })
        if (claimed.length === 0) return yield* Effect.dieMessage(`claim/settle: nothing due after ${settled} settled events`)
        const results = yield* Effect.forEach(claimed, (entry) =>
          store.outbox.settle(entry.id, entry.leaseToken!, { _tag: "Acked", at: now, attempts: 1, firstAttemptAt: now }), { concurrency: "unbounded" })
        for (const r of results) if (r._tag !== "Settled") return yield* Effect.dieMessage("claim/settle: a settle came back Stale")
        settled += claimed.length
      }
      return events / ((performance.now() - start) / 1000)
    }))

// --- profiling ----------------------------------------------------------------

/** The profiles taken, by name (`commit-sqlite-3`, `claim-postgres-2`). */
const profiles = new Map<string, CpuProfile>()

/** Runs `f` under the CPU profiler when `dir` is set, writing `<dir>/<name>.cpuprofile` (and its top functions). */
const profiled = async <A>(dir: string | undefined, name: string, f: () => Promise<A>): Promise<A> => {
  if (dir === undefined) return f()
  const profiler = await startProfiler(200) // the repetitions are short: a sample every 200 µs
  try {
    return await f()
  } finally {
    const profile = await profiler.stop()
    profiles.set(name, profile)
    await saveProfile(profile, join(dir, `${name}.cpuprofile`))
  }
}

// --- main ---------------------------------------------------------------------

interface Figure {
  readonly commitRecordsPerSec: number
  readonly bareRecordsPerSec?: number
  /** Ours ÷ bare records/s. */
  readonly ratio?: number
  readonly claimSettleEventsPerSec: number
  /** Each measured repetition. */
  readonly runs: Readonly<Record<string, ReadonlyArray<number>>>
}

interface Target {
  readonly name: "memory" | "sqlite" | "postgres"
  readonly runtime: StoreRuntime
  readonly ours: Writer
  readonly bare?: Writer | undefined
  readonly close: () => Promise<void>
  /** Records/s of each measured repetition. */
  readonly oursRates: Array<number>
  readonly bareRates: Array<number>
  readonly claimRates: Array<number>
}

const target = async (
  name: Target["name"],
  layer: Layer.Layer<Store.Store, unknown>,
  bareWriter: BareWriter | undefined
): Promise<Target> => {
  const runtime: StoreRuntime = ManagedRuntime.make(layer)
  await withStore(runtime, (store) => store.destinations.put(destinationRow(DESTINATION, "http://127.0.0.1:9/hooks", true, 32, Date.now())))
  return {
    name,
    runtime,
    ours: ours(runtime),
    bare: bareWriter === undefined ? undefined : bare(bareWriter),
    close: async () => {
      await runtime.dispose()
      await bareWriter?.close()
    },
    oursRates: [],
    bareRates: [],
    claimRates: []
  }
}

export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  if (args.includes("--workers")) {
    const workers = await import("./storeWorkers.js")
    return workers.run(args)
  }
  const pages = option(args, "--pages", 20)
  const reps = option(args, "--reps", 3)
  const claims = option(args, "--claims", 4_000)
  const batch = option(args, "--batch", 32)
  const profileDir = text(args, "--profile")
  const dir = mkdtempSync(join(tmpdir(), "weft-bench-store-"))
  const server = await TestPostgres.start()
  const targets: Array<Target> = []
  try {
    const oursDb = await TestPostgres.freshDatabase(server.adminUrl)
    const bareDb = await TestPostgres.freshDatabase(server.adminUrl)
    targets.push(await target("memory", StoreMemory.layer, undefined))
    targets.push(await target("sqlite", StoreSqlite.layer({ filename: join(dir, "ours.db") }), sqliteWriter(join(dir, "bare.db"))))
    targets.push(await target("postgres", StorePostgres.layer({ url: oursDb.url }), await postgresWriter(bareDb.url)))

    // Repetition 0 is the warm-up (a short run); the others are measured.
    let committedEvents = 0
    for (let rep = 0; rep <= reps; rep++) {
      const warm = rep === 0
      const count = warm ? Math.max(2, Math.ceil(pages / 5)) : pages
      const runRowOf = runRow(newRunId(), SYNC, Date.now())
      const batchPages = makePages({ run: runRowOf, destinationId: DESTINATION, tag: `r${rep}`, pages: count })
      committedEvents += count * PAGE
      for (const t of targets) {
        await t.ours.createRun(runRowOf)
        await t.bare?.createRun(runRowOf)
        // Alternate which goes first, so neither always writes into the fuller file or the warmer cache.
        const order: Array<"ours" | "bare"> = rep % 2 === 0 ? ["ours", "bare"] : ["bare", "ours"]
        for (const who of order) {
          const writer = who === "ours" ? t.ours : t.bare
          if (writer === undefined) continue
          const ms = who === "ours" && !warm
            ? await profiled(profileDir, `commit-${t.name}-${rep}`, () => writer.commitAll(batchPages))
            : await writer.commitAll(batchPages)
          if (!warm) (who === "ours" ? t.oursRates : t.bareRates).push((count * PAGE) / (ms / 1000))
        }
      }
    }
    // Every committed event is pending in each store.
    for (const t of targets) {
      const pending = await withStore(t.runtime, (store) => store.outbox.pendingCount(DESTINATION))
      if (pending !== committedEvents) throw new Error(`${t.name}: ${pending} events pending, expected ${committedEvents}`)
    }

    for (const t of targets) {
      await claimSettle(t.runtime, Math.max(batch, Math.ceil(claims / 5)), batch)
      for (let rep = 0; rep < reps; rep++) {
        t.claimRates.push(await profiled(profileDir, `claim-${t.name}-${rep}`, () => claimSettle(t.runtime, claims, batch)))
      }
    }
  } finally {
    for (const t of targets) await t.close().catch((e: unknown) => console.error(`closing ${t.name}:`, e))
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }

  const figureOf = (name: Target["name"]): Figure => {
    const t = targets.find((x) => x.name === name)!
    const oursRate = Math.round(median(t.oursRates))
    const bareRate = t.bareRates.length === 0 ? undefined : Math.round(median(t.bareRates))
    return {
      commitRecordsPerSec: oursRate,
      ...(bareRate === undefined ? {} : { bareRecordsPerSec: bareRate, ratio: round(oursRate / bareRate, 3) }),
      claimSettleEventsPerSec: Math.round(median(t.claimRates)),
      runs: {
        commitRecordsPerSec: t.oursRates.map(Math.round),
        ...(bareRate === undefined ? {} : { bareRecordsPerSec: t.bareRates.map(Math.round) }),
        claimSettleEventsPerSec: t.claimRates.map(Math.round)
      }
    }
  }
  const figures = { memory: figureOf("memory"), sqlite: figureOf("sqlite"), postgres: figureOf("postgres") }
  const ratio = Math.min(figures.sqlite.ratio!, figures.postgres.ratio!)
  const peak = peakRssMB()
  const line = (name: Target["name"]) => {
    const f = figures[name]
    return `  ${name.padEnd(8)} ours ${String(f.commitRecordsPerSec).padStart(7)} records/s` +
      (f.bareRecordsPerSec === undefined ? "" : `   bare ${String(f.bareRecordsPerSec).padStart(7)} records/s   ratio ${f.ratio}`)
  }
  // The shares of the last measured repetition of each store's commits and claims.
  const timeShares: Record<string, ReturnType<typeof summarise>> = {}
  for (const name of ["memory", "sqlite", "postgres"] as const) {
    const commit = profiles.get(`commit-${name}-${reps}`)
    const claim = profiles.get(`claim-${name}-${reps - 1}`)
    if (commit !== undefined) timeShares[`commit-${name}`] = summarise(commit)
    if (claim !== undefined) timeShares[`claim-${name}`] = summarise(claim)
  }
  report(
    [
      `store: page commits of ${PAGE} records (fingerprint + event sealed with its page's payload + cursor + audit), ${pages} pages × ${reps} runs, medians`,
      line("memory"),
      line("sqlite"),
      line("postgres"),
      `  claim/settle (batches of ${batch}, settled acked concurrently), events/s: memory ${figures.memory.claimSettleEventsPerSec}   sqlite ${figures.sqlite.claimSettleEventsPerSec}   postgres ${figures.postgres.claimSettleEventsPerSec}`,
      `  ratio (lower of sqlite, postgres page commits) ${ratio}   peak RSS ${peak} MB`,
      ...(profileDir === undefined ? [] : [`  CPU profiles of ours: ${profileDir}`]),
      ...Object.entries(timeShares).map(([name, shares]) => `  where ${name} went: ${sharesLine(shares)}`)
    ],
    {
      name: "store",
      ratio,
      peakRssMB: peak,
      pageRecords: PAGE,
      pages,
      reps,
      claimBatch: batch,
      claimEvents: claims,
      ...figures,
      ...(profileDir === undefined ? {} : { timeShares: Object.fromEntries(Object.entries(timeShares).map(([name, shares]) => [name, sharesObject(shares)])) })
    }
  )
}
