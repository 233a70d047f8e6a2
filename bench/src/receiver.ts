/**
 * The webhook receiver of the `deliver` and `e2e` benchmarks: a child process
 * (its own event loop, its own memory, so it shares neither a thread nor the
 * peak RSS with the sender being measured) listening on loopback. It verifies
 * every delivery's Standard Webhooks signature with node:crypto (HMAC-SHA256
 * over `id.timestamp.body`, any `v1` entry, ±5 minutes) and answers 204, or
 * 401 if it does not verify. (The reference `standardwebhooks` package hashes
 * in pure JS, about 6x slower: at baseline rates it would be the bottleneck.
 * The sink's own tests verify with it.)
 *
 * It counts what verified and the distinct event ids, notes when the first
 * and last deliveries arrived, tells the parent of each
 * `sync.events.allConsumed`, and while recording keeps every verified body
 * (first delivery of each id, in arrival order) to hand back for a baseline.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { performance } from "node:perf_hooks"

/** The receiver's program (CommonJS, run with `node -e`, so it needs no build). */
const source = `
const http = require("node:http")
const crypto = require("node:crypto")
const { performance } = require("node:perf_hooks")
const key = Buffer.from(process.env.BENCH_RECEIVER_SECRET.slice("whsec_".length), "base64")
const now = () => performance.timeOrigin + performance.now()
let verified = 0, rejected = 0, firstAt = 0, lastAt = 0, recording = false
let ids = new Set(), bodies = []
const check = (headers, body) => {
  const id = headers["webhook-id"], ts = headers["webhook-timestamp"], sig = headers["webhook-signature"]
  if (!id || !ts || !sig) return false
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false
  const expected = crypto.createHmac("sha256", key).update(id + "." + ts + ".").update(body).digest()
  for (const entry of sig.split(" ")) {
    const [version, value] = entry.split(",")
    if (version !== "v1" || value === undefined) continue
    const given = Buffer.from(value, "base64")
    if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) return true
  }
  return false
}
const server = http.createServer((req, res) => {
  const chunks = []
  req.on("data", (c) => chunks.push(c))
  req.on("end", () => {
    const body = Buffer.concat(chunks)
    if (!check(req.headers, body)) { rejected++; res.writeHead(401); res.end(); return }
    verified++
    lastAt = now()
    if (firstAt === 0) firstAt = lastAt
    const id = req.headers["webhook-id"]
    if (!ids.has(id)) {
      ids.add(id)
      if (recording) bodies.push([id, body])
    }
    res.writeHead(204)
    res.end()
    if (body.includes('"type":"sync.events.allConsumed"')) process.send({ consumed: JSON.parse(body).syncRunId, at: lastAt })
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }))
process.on("message", (m) => {
  if (m === "counts") process.send({ counts: { verified, rejected, ids: ids.size, firstAt, lastAt } })
  if (m === "record" || m === "reset") {
    verified = 0; rejected = 0; firstAt = 0; lastAt = 0; ids = new Set(); bodies = []; recording = m === "record"
    process.send({ counts: { verified, rejected, ids: 0, firstAt, lastAt } })
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

/** An event as delivered: its id and its body. */
export interface Body {
  readonly id: string
  readonly body: Buffer
}

export interface Counts {
  /** Deliveries that verified (retries included). */
  readonly verified: number
  readonly rejected: number
  /** Distinct event ids that verified. */
  readonly ids: number
  /** When the first delivery since the last reset verified (wall-clock ms, 0 if none). */
  readonly firstAt: number
  /** When the last one did. */
  readonly lastAt: number
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly counts: () => Promise<Counts>
  /** Forgets counts (and kept bodies); with `record`, keeps the bodies received from now on. */
  readonly reset: (record: boolean) => Promise<Counts>
  /** Waits for the next `sync.events.allConsumed` of any run (wall-clock ms of its arrival). */
  readonly nextConsumed: () => Promise<{ readonly runId: string; readonly at: number }>
  /** The bodies kept since `reset(true)`, in arrival order, handed over (and dropped by the receiver). */
  readonly bodies: () => Promise<ReadonlyArray<Body>>
  readonly close: () => Promise<void>
}

/** Wall-clock ms with sub-ms precision, comparable with the receiver's times. */
export const wallNow = (): number => performance.timeOrigin + performance.now()

type Message =
  | { readonly port: number }
  | { readonly counts: Counts }
  | { readonly consumed: string; readonly at: number }
  | { readonly batch: { readonly ids: ReadonlyArray<string>; readonly lengths: ReadonlyArray<number>; readonly data: Uint8Array } }
  | { readonly batchesDone: true }

/** Starts the receiver process for webhooks signed with `secret` (`whsec_…`). */
export const startReceiver = (secret: string): Promise<Receiver> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["-e", source], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
      env: { ...process.env, BENCH_RECEIVER_SECRET: secret }
    })
    const consumedWaiters: Array<(c: { readonly runId: string; readonly at: number }) => void> = []
    let answer: ((counts: Counts) => void) | undefined
    let collected: Array<Body> = []
    let collectedDone: ((bodies: ReadonlyArray<Body>) => void) | undefined
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`the receiver exited with code ${code} before it listened`)))
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
      reset: (record) => ask(record ? "record" : "reset"),
      nextConsumed: () => new Promise((done) => consumedWaiters.push(done)),
      bodies: () =>
        new Promise((done) => {
          collectedDone = done
          child.send("bodies")
        }),
      close: () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null) return done()
          child.once("exit", () => done())
          child.send("close")
        })
    })
  })
