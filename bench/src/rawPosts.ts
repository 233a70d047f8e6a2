/**
 * The delivery baseline of `deliver` and `e2e`: the same bodies POSTed with a
 * plain undici `Pool` (one connection per loop), each signed afresh with
 * Standard Webhooks headers using node:crypto alone, `concurrency` loops at
 * once, to the same receiver. Nothing of Weft is on this path.
 *
 * The bodies may be handed over all at once or released bit by bit (a
 * {@link Feed}): the loops then wait for the next release when they have
 * posted everything released so far, which is how `e2e` pipelines its raw
 * page reads with its raw POSTs.
 */
import * as Crypto from "node:crypto"
import { performance } from "node:perf_hooks"
import { Pool } from "undici"
import type { Body } from "./receiver.js"

export interface RawPosts {
  readonly ms: number
  /** Request → response of each POST, in ms, by body index. */
  readonly latencies: ReadonlyArray<number>
}

/** Bodies released to the POST loops over time. */
export interface Feed {
  readonly bodies: ReadonlyArray<Body>
  /** Makes bodies up to index `upTo` (exclusive) available. */
  readonly release: (upTo: number) => void
  /** How many bodies are available now. */
  readonly released: () => number
  /** Resolves once more than `seen` bodies are available. */
  readonly waitBeyond: (seen: number) => Promise<void>
}

export const feed = (bodies: ReadonlyArray<Body>, initially = 0): Feed => {
  let released = Math.min(initially, bodies.length)
  let waiters: Array<() => void> = []
  return {
    bodies,
    release: (upTo) => {
      const next = Math.min(bodies.length, upTo)
      if (next <= released) return
      released = next
      const woken = waiters
      waiters = []
      for (const wake of woken) wake()
    },
    released: () => released,
    waitBeyond: (seen) => (released > seen ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)))
  }
}

/** `v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the `whsec_` secret's key. */
const signer = (secret: string) => {
  const key = Buffer.from(secret.slice("whsec_".length), "base64")
  return (id: string, timestamp: number, body: Buffer): string =>
    `v1,${Crypto.createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64")}`
}

export const rawPosts = async (options: {
  readonly url: string
  readonly path: string
  readonly secret: string
  /** All bodies at once, or a feed that releases them over time. */
  readonly bodies: ReadonlyArray<Body> | Feed
  readonly concurrency: number
}): Promise<RawPosts> => {
  const source = "release" in options.bodies ? options.bodies : feed(options.bodies, options.bodies.length)
  const { bodies } = source
  const sign = signer(options.secret)
  const pool = new Pool(new URL(options.url).origin, { connections: options.concurrency })
  const latencies: Array<number> = new Array(bodies.length)
  let next = 0
  let failures = 0
  const loop = async () => {
    while (next < bodies.length) {
      if (next >= source.released()) {
        await source.waitBeyond(next)
        continue
      }
      const i = next++
      const { body, id } = bodies[i]!
      const t0 = performance.now()
      const timestamp = Math.floor(Date.now() / 1000)
      const response = await pool.request({
        path: options.path,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "bench/baseline",
          "webhook-id": id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": sign(id, timestamp, body)
        },
        body
      })
      await response.body.dump()
      if (response.statusCode < 200 || response.statusCode >= 300) failures++
      latencies[i] = performance.now() - t0
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: options.concurrency }, loop))
  const ms = performance.now() - start
  await pool.close()
  if (failures > 0) throw new Error(`baseline: ${failures} POSTs were not acknowledged`)
  return { ms, latencies }
}
