/**
 * `npm run bench -- e2e [--employees N] [--concurrency N] [--profile <file.cpuprofile>]`
 *
 * The initial sync end to end: a fake BambooHR company of N employees
 * (default 100,000; the standard field set, one list request per page of
 * 500) → Weft (connector, sync engine, store-memory, delivery, the webhook
 * sink over undici) → a loopback webhook receiver that verifies every
 * signature. Wall time runs from `integrations.connect` until the receiver
 * acknowledges the run's `sync.events.allConsumed`.
 *
 * Baseline, same run: the fake's raw page-read rate (plain undici GETs of
 * every list page, same page size and fields, following `nextCursor`), then
 * raw undici POSTs of the very bodies Weft delivered (signed, `concurrency`
 * loops) to the same receiver. Baseline events/s = events ÷ (read time +
 * post time).
 *
 * The receiver is a child process: it has its own event loop and its own
 * memory, so neither sender shares a thread with it and `peakRssMB` is
 * Weft's (with the fake, which serves pages from seeded rows and holds
 * little). It keeps the bodies Weft sent and hands them back for the
 * baseline after Weft's figures are taken.
 *
 * `--profile <file>` writes a CPU profile of Weft's measured run alone
 * (main thread: Weft and the fake), for `chrome://inspect` or a summary.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { BambooHR } from "@weft/connectors"
import { Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { StoreMemory } from "@weft/store-memory"
import { BambooHRFake } from "@weft/testing"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { type ChildProcess, spawn } from "node:child_process"
import { writeFile } from "node:fs/promises"
import { Session } from "node:inspector/promises"
import { performance } from "node:perf_hooks"
import { Agent } from "undici"
import { peakRssMB, report, round } from "./harness.js"
import { type Body, rawPosts } from "./rawPosts.js"
import { checkSource } from "./verifyingReceiver.js"

const SECRET = "whsec_ZTJlLWJlbmNoLXNpZ25pbmctc2VjcmV0LTAwMDAwMDE="
const PAGE = 500
const SEED = 7
const MODEL = "hris.employee"

/** Wall-clock ms with sub-ms precision, comparable across processes. */
const now = () => performance.timeOrigin + performance.now()

// --- receiver -----------------------------------------------------------------

/**
 * A webhook receiver in a child process: verifies each body's Standard
 * Webhooks signature (HMAC-SHA256 over `id.timestamp.body`, any v1 entry,
 * ±5 min) and answers 204, or 401. While recording it keeps each verified
 * body by event id (first delivery) and notes when the first delivery and
 * each `sync.events.allConsumed` arrived.
 */
const receiverSource = `
const http = require("node:http")
const crypto = require("node:crypto")
const { performance } = require("node:perf_hooks")
const key = Buffer.from(process.env.E2E_SECRET.slice("whsec_".length), "base64")
let verified = 0, rejected = 0, firstAt = 0, recording = false
let ids = new Set(), bodies = []
${checkSource}
const server = http.createServer((req, res) => {
  const chunks = []
  req.on("data", (c) => chunks.push(c))
  req.on("end", () => {
    const body = Buffer.concat(chunks)
    if (!check(req.headers, body)) { rejected++; res.writeHead(401); res.end(); return }
    verified++
    if (firstAt === 0) firstAt = performance.timeOrigin + performance.now()
    const id = req.headers["webhook-id"]
    if (!ids.has(id)) {
      ids.add(id)
      if (recording) bodies.push([id, body])
    }
    res.writeHead(204)
    res.end()
    if (body.includes('"type":"sync.events.allConsumed"')) {
      process.send({ consumed: JSON.parse(body).syncRunId, at: performance.timeOrigin + performance.now() })
    }
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }))
process.on("message", (m) => {
  if (m === "counts") process.send({ counts: { verified, rejected, ids: ids.size, firstAt } })
  if (m === "record" || m === "reset") {
    verified = 0; rejected = 0; firstAt = 0; ids = new Set(); bodies = []; recording = m === "record"
    process.send({ counts: { verified, rejected, ids: 0, firstAt } })
  }
  if (m === "bodies") {
    for (let i = 0; i < bodies.length; i += 5000) {
      const batch = bodies.slice(i, i + 5000)
      process.send({ batch: { ids: batch.map((b) => b[0]), lengths: batch.map((b) => b[1].length), data: Buffer.concat(batch.map((b) => b[1])) } })
    }
    bodies = []
    process.send({ batchesDone: true })
  }
  if (m === "close") server.close(() => process.exit(0))
})
`

interface Counts {
  readonly verified: number
  readonly rejected: number
  readonly ids: number
  /** When the first delivery since the last reset verified (wall-clock ms). */
  readonly firstAt: number
}

interface Receiver {
  readonly url: string
  readonly counts: () => Promise<Counts>
  /** Forgets counts; with `keepBodies`, keeps the bodies received from now on. */
  readonly reset: (keepBodies: boolean) => Promise<Counts>
  /** Waits for the next `allConsumed` of any run. */
  readonly nextConsumed: () => Promise<{ readonly runId: string; readonly at: number }>
  /** The bodies kept since `reset(true)`, handed over (and dropped by the receiver). */
  readonly bodies: () => Promise<ReadonlyArray<Body>>
  readonly close: () => Promise<void>
}

type Message =
  | { readonly port: number }
  | { readonly counts: Counts }
  | { readonly consumed: string; readonly at: number }
  | { readonly batch: { readonly ids: ReadonlyArray<string>; readonly lengths: ReadonlyArray<number>; readonly data: Uint8Array } }
  | { readonly batchesDone: true }

const startReceiver = (): Promise<Receiver> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["-e", receiverSource], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
      env: { ...process.env, E2E_SECRET: SECRET }
    })
    const consumedWaiters: Array<(c: { readonly runId: string; readonly at: number }) => void> = []
    let answer: ((counts: Counts) => void) | undefined
    let collected: Array<Body> = []
    let collectedDone: ((bodies: ReadonlyArray<Body>) => void) | undefined
    child.once("error", reject)
    child.on("message", (message: Message) => {
      if ("port" in message) {
        resolve(receiver(`http://127.0.0.1:${message.port}`))
      } else if ("counts" in message) {
        answer?.(message.counts)
      } else if ("consumed" in message) {
        for (const waiter of consumedWaiters.splice(0)) waiter({ runId: message.consumed, at: message.at })
      } else if ("batch" in message) {
        const data = Buffer.from(message.batch.data)
        let offset = 0
        message.batch.ids.forEach((id, i) => {
          const length = message.batch.lengths[i]!
          collected.push({ id, body: data.subarray(offset, offset + length) })
          offset += length
        })
      } else if ("batchesDone" in message) {
        const done = collected
        collected = []
        collectedDone?.(done)
      }
    })
    const ask = (message: string) =>
      new Promise<Counts>((done) => {
        answer = done
        child.send(message)
      })
    const receiver = (url: string): Receiver => ({
      url,
      counts: () => ask("counts"),
      reset: (keepBodies) => ask(keepBodies ? "record" : "reset"),
      nextConsumed: () => new Promise((done) => consumedWaiters.push(done)),
      bodies: () =>
        new Promise((done) => {
          collectedDone = done
          child.send("bodies")
        }),
      close: () =>
        new Promise<void>((done) => {
          child.once("exit", () => done())
          child.send("close")
        })
    })
  })

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
}

const keys: Vault.VaultKeys = { current: { id: "bench", key: Redacted.make(Buffer.alloc(32, 4).toString("base64")) } }

/** Weft as a host wires it; the fake is local and never throttles, so the connector's pace is lifted. */
const weftLayer = (fake: BambooHRFake.Fake) =>
  Weft.layer({ connectors: [BambooHR.connector({ baseUrl: fake.baseUrl, rateLimit: "none", pageSize: PAGE })] }).pipe(
    Layer.provide(Layer.mergeAll(StoreMemory.layer, SinkWebhook.layer({ allowHosts: ["127.0.0.1"] }), Vault.layer(keys))),
    Layer.provide(NodeHttpClient.layerUndici)
  )

const runOurs = async (fake: BambooHRFake.Fake, receiver: Receiver, concurrency: number, profile?: string): Promise<Ours> => {
  const runtime = ManagedRuntime.make(weftLayer(fake))
  const session = profile === undefined ? undefined : new Session()
  try {
    const weft = await runtime.runPromise(Weft.Weft) // the layer is built (workers started) before the clock runs
    if (session !== undefined) {
      session.connect()
      await session.post("Profiler.enable")
      await session.post("Profiler.start")
    }
    const consumed = receiver.nextConsumed()
    const start = now()
    const { syncs } = await runtime.runPromise(weft.integrations.connect({
      connector: "bamboohr",
      tenant: "acme",
      credentials: { companyDomain: fake.companyDomain, apiKey: BambooHRFake.keys.admin },
      syncs: [{ models: [MODEL], destination: { url: `${receiver.url}/hooks/weft`, secrets: [SECRET], maxConcurrency: concurrency }, frequency: "1 day" }]
    }))
    const { runId, at: end } = await consumed
    if (session !== undefined) {
      const { profile: cpu } = await session.post("Profiler.stop")
      await writeFile(profile!, JSON.stringify(cpu))
      session.disconnect()
    }
    const peak = peakRssMB()
    const run = await runtime.runPromise(weft.runs.get(runId))
    if (run.syncId !== syncs[0]!.id || run.status !== "succeeded") throw new Error(`the initial run ended ${run.status}: ${run.errors.join("; ")}`)
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
      peakRssMB: peak
    }
  } finally {
    await runtime.dispose()
  }
}

// --- baseline -----------------------------------------------------------------

interface Read {
  readonly pages: number
  readonly records: number
  readonly ms: number
  readonly recordsPerSec: number
}

interface Post {
  readonly events: number
  readonly ms: number
  readonly eventsPerSec: number
}

/** Every list page with plain undici GETs, following `nextCursor`: what reading the fake costs at least. */
const baselineRead = async (fake: BambooHRFake.Fake): Promise<Read> => {
  const agent = new Agent()
  const origin = new URL(fake.url).origin
  const authorization = `Basic ${Buffer.from(`${BambooHRFake.keys.admin}:x`).toString("base64")}`
  const start = performance.now()
  let pages = 0
  let records = 0
  let after: string | undefined
  do {
    const query = new URLSearchParams({ fields: BambooHR.LIST_FIELDS.join(","), "page[limit]": String(PAGE) })
    if (after !== undefined) query.set("page[after]", after)
    const response = await agent.request({
      origin,
      path: `/${fake.companyDomain}/api/v1/employees?${query}`,
      method: "GET",
      headers: { authorization, accept: "application/json" }
    })
    if (response.statusCode !== 200) throw new Error(`baseline read: page ${pages + 1} answered ${response.statusCode}`)
    const page = (await response.body.json()) as { readonly data: ReadonlyArray<unknown>; readonly meta: { readonly page: { readonly nextCursor?: string | null } } }
    pages += 1
    records += page.data.length
    after = page.meta.page.nextCursor ?? undefined
  } while (after !== undefined && after.length > 0)
  const ms = performance.now() - start
  await agent.close()
  return { pages, records, ms: round(ms), recordsPerSec: Math.round(records / (ms / 1000)) }
}

/** The same bodies, signed afresh, `concurrency` loops of POSTs to the same receiver. */
const baselinePost = async (url: string, bodies: ReadonlyArray<Body>, concurrency: number): Promise<Post> => {
  const { ms } = await rawPosts({ url, path: "/hooks/weft", secret: SECRET, bodies, concurrency })
  return { events: bodies.length, ms: round(ms), eventsPerSec: Math.round(bodies.length / (ms / 1000)) }
}

// --- main ---------------------------------------------------------------------

const option = (args: ReadonlyArray<string>, name: string, fallback: number): number => {
  const at = args.indexOf(name)
  const value = at === -1 ? undefined : Number(args[at + 1])
  return value === undefined || !Number.isFinite(value) || value <= 0 ? fallback : Math.floor(value)
}

const text = (args: ReadonlyArray<string>, name: string): string | undefined => {
  const at = args.indexOf(name)
  return at === -1 ? undefined : args[at + 1]
}

export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const employees = option(args, "--employees", 100_000)
  const concurrency = option(args, "--concurrency", 32)
  const profile = text(args, "--profile")
  const receiver = await startReceiver()
  const warm = await BambooHRFake.start({ size: 2_000, seed: SEED })
  const fake = await BambooHRFake.start({ size: employees, seed: SEED })
  try {
    // Warm both paths up (JIT, connections) on a small company.
    await receiver.reset(true)
    await runOurs(warm, receiver, concurrency)
    await baselineRead(warm)
    await baselinePost(receiver.url, await receiver.bodies(), concurrency)

    await receiver.reset(true)
    const ours = await runOurs(fake, receiver, concurrency, profile)
    const bodies = await receiver.bodies()
    await receiver.reset(false)
    const read = await baselineRead(fake)
    const post = await baselinePost(receiver.url, bodies, concurrency)
    const after = await receiver.counts()
    if (after.rejected > 0 || after.ids !== bodies.length) throw new Error(`the receiver verified ${after.ids} of ${bodies.length} baseline POSTs`)
    if (read.records !== employees) throw new Error(`the baseline read ${read.records} employees of ${employees}`)

    const baselineEventsPerSec = Math.round(bodies.length / ((read.ms + post.ms) / 1000))
    const ratio = round(ours.eventsPerSec / baselineEventsPerSec, 3)
    const avgBody = Math.round(bodies.reduce((n, b) => n + b.body.length, 0) / bodies.length)
    report(
      [
        `e2e: initial sync of ${employees} BambooHR employees (${ours.recordEvents} active → record.new, +3 run events), pages of ${PAGE}, ~${avgBody} B bodies, concurrency ${concurrency}`,
        `  ours     ${ours.eventsPerSec} events/s  (${ours.events} in ${ours.ms} ms: reading done at ${ours.readMs} ms, first delivery at ${ours.firstDeliveryMs} ms)  peak RSS ${ours.peakRssMB} MB`,
        `  baseline ${baselineEventsPerSec} events/s  (read ${read.pages} pages in ${read.ms} ms = ${read.recordsPerSec} records/s; POST ${post.events} in ${post.ms} ms = ${post.eventsPerSec} events/s)`,
        `  ratio (ours ÷ baseline events/s) ${ratio}   targets: ≥ 5000 events/s ${ours.eventsPerSec >= 5000 ? "met" : "NOT met"}, peak RSS < 500 MB ${ours.peakRssMB < 500 ? "met" : "NOT met"}`,
        ...(profile === undefined ? [] : [`  CPU profile of ours: ${profile}`])
      ],
      {
        name: "e2e",
        ratio,
        peakRssMB: ours.peakRssMB,
        employees,
        concurrency,
        pageSize: PAGE,
        bodyBytes: avgBody,
        receiver: "child process",
        ours,
        baseline: { eventsPerSec: baselineEventsPerSec, read, post },
        peakRssWithBaselineMB: peakRssMB()
      }
    )
  } finally {
    await Promise.all([fake.close(), warm.close()])
    await receiver.close()
  }
}
