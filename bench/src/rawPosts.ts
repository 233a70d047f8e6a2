/**
 * The delivery baseline shared by the benchmarks: the same bodies POSTed with
 * plain undici, signed afresh with Standard Webhooks headers, `concurrency`
 * loops at once, to the same receiver.
 */
import { performance } from "node:perf_hooks"
import * as Either from "effect/Either"
import { Agent } from "undici"
import { Secret, Signature } from "@weft/sink-webhook"

export interface Body {
  readonly id: string
  readonly body: Buffer
}

export interface RawPosts {
  readonly ms: number
  /** Request → response of each POST, in ms, by body index. */
  readonly latencies: ReadonlyArray<number>
}

export const rawPosts = async (options: {
  readonly url: string
  readonly path: string
  readonly secret: string
  readonly bodies: ReadonlyArray<Body>
  readonly concurrency: number
}): Promise<RawPosts> => {
  const { bodies } = options
  const key = Either.getOrThrow(Secret.decode(options.secret))
  const agent = new Agent()
  const origin = new URL(options.url).origin
  const latencies: Array<number> = new Array(bodies.length)
  let next = 0
  let failures = 0
  const loop = async () => {
    while (next < bodies.length) {
      const i = next++
      const { body, id } = bodies[i]!
      const t0 = performance.now()
      const timestamp = Math.floor(Date.now() / 1000)
      const response = await agent.request({
        origin,
        path: options.path,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "bench/baseline",
          "webhook-id": id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": Signature.sign([key], id, timestamp, body)
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
  await agent.close()
  if (failures > 0) throw new Error(`baseline: ${failures} POSTs were not acknowledged`)
  return { ms, latencies }
}
