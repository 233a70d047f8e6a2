/**
 * A loopback webhook receiver for benchmarks, in a worker thread so it does
 * not share the event loop with the sender being measured. It verifies every
 * delivery's Standard Webhooks signature with node:crypto and counts what
 * verified. (The reference `standardwebhooks` package hashes in pure JS:
 * about 6x slower here, which at baseline rates would take half of the
 * receiver's thread. The sink's own tests verify with it.)
 */
import { Worker } from "node:worker_threads"

/**
 * `check(headers, body)` for a receiver's source text (it expects `crypto` and
 * the secret's bytes in `key`): Standard Webhooks verification — HMAC-SHA256
 * over `id.timestamp.body`, any `v1` entry, ±5 minutes.
 */
export const checkSource = `
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
`

/**
 * A webhook receiver in a worker thread: reads each body, verifies its
 * Standard Webhooks signature (HMAC-SHA256 over `id.timestamp.body`, any v1
 * entry, ±5 min) and answers 204, or 401 if it does not verify.
 */
const receiverSource = `
const http = require("node:http")
const crypto = require("node:crypto")
const { parentPort, workerData } = require("node:worker_threads")
const key = Buffer.from(workerData.secret.slice("whsec_".length), "base64")
let verified = 0, rejected = 0
${checkSource}
const server = http.createServer((req, res) => {
  const chunks = []
  req.on("data", (c) => chunks.push(c))
  req.on("end", () => {
    if (check(req.headers, Buffer.concat(chunks))) { verified++; res.writeHead(204); res.end() }
    else { rejected++; res.writeHead(401); res.end() }
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }))
parentPort.on("message", (m) => {
  if (m === "counts") parentPort.postMessage({ verified, rejected })
  if (m === "reset") { verified = 0; rejected = 0; parentPort.postMessage({ verified, rejected }) }
  if (m === "close") server.close(() => process.exit(0))
})
`

export interface Receiver {
  readonly url: string
  readonly counts: () => Promise<{ readonly verified: number; readonly rejected: number }>
  readonly reset: () => Promise<unknown>
  readonly close: () => Promise<void>
}

export const startReceiver = (secret: string): Promise<Receiver> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(receiverSource, { eval: true, workerData: { secret } })
    const ask = <A>(message: string) =>
      new Promise<A>((done) => {
        worker.once("message", (answer: A) => done(answer))
        worker.postMessage(message)
      })
    worker.once("error", reject)
    worker.once("message", ({ port }: { port: number }) =>
      resolve({
        url: `http://127.0.0.1:${port}`,
        counts: () => ask("counts"),
        reset: () => ask("reset"),
        close: () =>
          new Promise<void>((done) => {
            worker.once("exit", () => done())
            worker.postMessage("close")
          })
      }))
  })
