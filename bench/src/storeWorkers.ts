/**
 * `npm run bench -- store --workers [--events N] [--concurrency N] [--reps N] [--processes 1,2,4]`
 *
 * Delivered events/s with 1, 2 and 4 worker processes sharing one Postgres
 * store. Each worker is a child process running core's Delivery over
 * `StorePostgres` (see storeWorker.ts) with the webhook sink, delivering to a
 * loopback `node:http` receiver in this process that acks everything (204).
 *
 * Each measurement: a fresh database, N record events (default 3,000, pages
 * of 500 as the engine commits them) enqueued for a destination that is
 * disabled; the workers start and report ready; the clock starts when the
 * destination is enabled and stops when every event is settled (the
 * receiver's count is reported too). Per-destination concurrency in each
 * process is `--concurrency` (default 32). A short warm-up measurement comes
 * first; figures are medians over `--reps` (default 3).
 *
 * The machine runs the workers, Postgres and this receiver on the same
 * cores, so more processes share the same CPU.
 */
import { fork, type ChildProcess } from "node:child_process"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { Store } from "@weft/core/store"
import { StorePostgres } from "@weft/store-sql/postgres"
import { TestPostgres } from "@weft/testing/postgres"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { peakRssMB, report, round } from "./harness.js"
import { destinationRow, makePages, newRunId, PAGE, runRow } from "./storePages.js"

const DESTINATION = "dst_bench"

const option = (args: ReadonlyArray<string>, name: string, fallback: number): number => {
  const at = args.indexOf(name)
  const value = at === -1 ? undefined : Number(args[at + 1])
  return value === undefined || !Number.isFinite(value) || value <= 0 ? fallback : Math.floor(value)
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

// --- receiver -----------------------------------------------------------------

interface AckReceiver {
  readonly url: string
  /** Forgets what it received; the next `reached(n)` counts from zero. */
  readonly reset: () => void
  /** Resolves once `n` distinct event ids were acked. */
  readonly reached: (n: number) => Promise<void>
  readonly counts: () => { readonly requests: number; readonly distinct: number }
  readonly close: () => Promise<void>
}

const startAckReceiver = (): Promise<AckReceiver> =>
  new Promise((resolve) => {
    let ids = new Set<string>()
    let requests = 0
    let waiting: { n: number; done: () => void } | undefined
    const server: Server = createServer((req, res) => {
      req.resume()
      req.on("end", () => {
        requests++
        const id = req.headers["webhook-id"]
        if (typeof id === "string") ids.add(id)
        res.writeHead(204).end()
        if (waiting !== undefined && ids.size >= waiting.n) {
          waiting.done()
          waiting = undefined
        }
      })
    })
    server.keepAliveTimeout = 60_000
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}/hooks`,
        reset: () => {
          ids = new Set()
          requests = 0
        },
        reached: (n) => (ids.size >= n ? Promise.resolve() : new Promise((done) => (waiting = { n, done }))),
        counts: () => ({ requests, distinct: ids.size }),
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })

// --- workers ------------------------------------------------------------------

// Beside this module: the source under tsx, the built entry in dist/.
const workerFile = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "./storeWorker.ts" : "./storeWorker.js", import.meta.url))

/** Starts a worker process (it inherits this process's Node options: `--import tsx` and conditions under tsx) and waits for it to be ready. */
const startWorker = (url: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = fork(workerFile, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] })
    const onExit = (code: number | null) => reject(new Error(`a worker process exited with code ${code} before it was ready`))
    child.once("exit", onExit)
    child.once("message", (message: { type: string }) => {
      if (message.type !== "ready") return reject(new Error(`unexpected message from a worker: ${message.type}`))
      child.off("exit", onExit)
      resolve(child)
    })
    child.send({ type: "start", url })
  })

const stopWorker = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
    child.once("exit", () => {
      clearTimeout(timer)
      resolve()
    })
    child.send({ type: "stop" })
  })

// --- one measurement ----------------------------------------------------------

interface Measurement {
  readonly processes: number
  readonly events: number
  /** Enable → every event settled in the store. */
  readonly ms: number
  readonly eventsPerSec: number
  /** Enable → the receiver acked every event. */
  readonly receiverMs: number
  readonly duplicates: number
}

const measure = async (adminUrl: string, receiver: AckReceiver, processes: number, events: number, concurrency: number): Promise<Measurement> => {
  const db = await TestPostgres.freshDatabase(adminUrl)
  const runtime = ManagedRuntime.make(StorePostgres.layer({ url: db.url, applicationName: "weft-bench-filler" }))
  const workers: Array<ChildProcess> = []
  const withStore = <A>(f: (store: Store.StoreService) => Effect.Effect<A, unknown>) => runtime.runPromise(Effect.flatMap(Store.Store, f))
  try {
    const now = Date.now()
    // Held until every worker is up, so process start-up is not timed.
    await withStore((store) => store.destinations.put(destinationRow(DESTINATION, receiver.url, false, concurrency, now)))
    const run = runRow(newRunId(), "syn_bench", now)
    await withStore((store) => store.runs.create(run))
    const pages = makePages({ run, destinationId: DESTINATION, tag: "w", pages: Math.ceil(events / PAGE) })
    const total = pages.reduce((n, p) => n + p.events.length, 0)
    await withStore((store) => Effect.forEach(pages, store.commit, { discard: true }))

    for (let i = 0; i < processes; i++) workers.push(await startWorker(db.url))
    receiver.reset()
    const start = performance.now()
    await withStore((store) => store.destinations.setEnabled(DESTINATION, true, undefined, Date.now()))
    await receiver.reached(total)
    const receiverMs = performance.now() - start
    // Settles follow the acks closely: poll the store until nothing is pending.
    while ((await withStore((store) => store.outbox.pendingCount(DESTINATION))) > 0) {
      await new Promise((r) => setTimeout(r, 5))
      if (performance.now() - start > 300_000) throw new Error("workers: events still pending after 5 minutes")
    }
    const ms = performance.now() - start
    const { distinct, requests } = receiver.counts()
    return {
      processes,
      events: total,
      ms: round(ms),
      eventsPerSec: Math.round(total / (ms / 1000)),
      receiverMs: round(receiverMs),
      duplicates: requests - distinct
    }
  } finally {
    await Promise.all(workers.map(stopWorker))
    await runtime.dispose()
    await db.drop().catch(() => undefined)
  }
}

// --- main ---------------------------------------------------------------------

export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const events = option(args, "--events", 3_000)
  const concurrency = option(args, "--concurrency", 32)
  const reps = option(args, "--reps", 3)
  const at = args.indexOf("--processes")
  const counts = at === -1 ? [1, 2, 4] : String(args[at + 1]).split(",").map(Number).filter((n) => Number.isInteger(n) && n > 0)
  const server = await TestPostgres.start()
  const receiver = await startAckReceiver()
  const results: Array<{ processes: number; eventsPerSec: number; runs: Array<Measurement> }> = []
  try {
    await measure(server.adminUrl, receiver, 1, Math.min(events, 1_000), concurrency)
    for (const processes of counts) {
      const runs: Array<Measurement> = []
      for (let rep = 0; rep < reps; rep++) runs.push(await measure(server.adminUrl, receiver, processes, events, concurrency))
      results.push({ processes, eventsPerSec: Math.round(median(runs.map((r) => r.eventsPerSec))), runs })
    }
  } finally {
    await receiver.close()
    await server.stop()
  }
  const byCount = Object.fromEntries(results.map((r) => [String(r.processes), r.eventsPerSec]))
  const first = results[0]!.eventsPerSec
  // Scaling: the most processes against one.
  const ratio = round(results[results.length - 1]!.eventsPerSec / first, 3)
  const peak = peakRssMB()
  const duplicates = results.reduce((n, r) => n + r.runs.reduce((m, x) => m + x.duplicates, 0), 0)
  report(
    [
      `store --workers: ${events} record events pre-enqueued in Postgres, delivered by Delivery in N worker processes to a loopback receiver that acks everything; concurrency ${concurrency} per process; medians of ${reps}`,
      ...results.map((r) =>
        `  ${r.processes} process${r.processes === 1 ? " " : "es"} ${String(r.eventsPerSec).padStart(6)} events/s   (${r.runs.map((x) => `${x.eventsPerSec}`).join(", ")}; receiver done at ${r.runs.map((x) => `${x.receiverMs} ms`).join(", ")})`),
      `  duplicate deliveries ${duplicates}   ratio (${results[results.length - 1]!.processes} processes ÷ ${results[0]!.processes}) ${ratio}   peak RSS (this process) ${peak} MB`
    ],
    {
      name: "store-workers",
      ratio,
      peakRssMB: peak,
      events,
      concurrency,
      reps,
      eventsPerSec: byCount,
      duplicates,
      runs: results.flatMap((r) => r.runs)
    }
  )
}
