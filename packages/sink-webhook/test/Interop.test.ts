import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import type { IncomingHttpHeaders } from "node:http"
import { Webhook } from "standardwebhooks"
import { Receiver, Secret, Signature } from "../src/index.js"
import { attempt, body, bodyText, deliver, destination, otherSecret, sinkLayer, vector } from "./support/fixtures.js"
import * as LoopbackServer from "./support/LoopbackServer.js"
import { answer } from "./support/LoopbackServer.js"

// standardwebhooks wants string values; node gives string | string[].
const plain = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(", ") : v]]))
  )

describe("interop with the standardwebhooks reference package", () => {
  it("matches the published test vector", () => {
    const key = Either.getOrThrow(Secret.decode(vector.secret))
    expect(Signature.sign([key], vector.id, vector.timestamp, vector.body)).toBe(vector.signature)
    expect(Signature.sign([key], vector.id, vector.timestamp, new TextEncoder().encode(vector.body))).toBe(
      vector.signature
    )
    // and the reference implementation agrees on the same inputs
    expect(new Webhook(vector.secret).sign(vector.id, new Date(vector.timestamp * 1000), vector.body)).toBe(
      vector.signature
    )
  })

  it("verifies the reference implementation's signatures", () => {
    const secret = Secret.generate()
    const id = "msg_1"
    const now = 1_764_180_000
    const signature = new Webhook(Redacted.value(secret)).sign(id, new Date(now * 1000), bodyText)
    const result = Receiver.verifySync(secret, {
      "webhook-id": id,
      "webhook-timestamp": String(now),
      "webhook-signature": signature
    }, bodyText, { now: now * 1000 })
    expect(result.ok).toBe(true)
  })

  it.scopedLive("a live delivery verifies with Webhook.verify", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.make(answer(204))
      yield* deliver(destination(server.url))
      const req = server.requests[0]!
      const payload = new Webhook(vector.secret).verify(req.body.toString(), plain(req.headers))
      expect(payload).toEqual(JSON.parse(bodyText))
    }).pipe(Effect.provide(sinkLayer())))

  it.scopedLive("with two rotating secrets, each secret alone verifies", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.make(answer(204))
      yield* deliver(destination(server.url, undefined, [vector.secret, otherSecret]))
      const req = server.requests[0]!
      expect(String(req.headers["webhook-signature"]).split(" ")).toHaveLength(2)
      for (const secret of [vector.secret, otherSecret]) {
        expect(() => new Webhook(secret).verify(req.body.toString(), plain(req.headers))).not.toThrow()
      }
      const stranger = "whsec_" + Buffer.alloc(32, 9).toString("base64")
      expect(() => new Webhook(stranger).verify(req.body.toString(), plain(req.headers))).toThrow(
        "No matching signature found"
      )
    }).pipe(Effect.provide(sinkLayer())))

  it.scoped("every attempt gets a fresh timestamp and a fresh valid signature over identical bytes", () =>
    Effect.gen(function*() {
      // standardwebhooks checks against the real clock, so start the TestClock there
      const start = Date.now()
      yield* TestClock.setTime(start)
      const server = yield* LoopbackServer.make(answer(500))
      yield* deliver(destination(server.url), attempt(1))
      yield* TestClock.adjust("61 seconds")
      yield* deliver(destination(server.url), attempt(2))
      const [first, second] = server.requests
      expect(first!.body.equals(second!.body)).toBe(true)
      expect(first!.body.equals(Buffer.from(body))).toBe(true)
      expect(first!.headers["webhook-id"]).toBe(second!.headers["webhook-id"])
      expect(Number(second!.headers["webhook-timestamp"]) - Number(first!.headers["webhook-timestamp"])).toBe(61)
      expect(first!.headers["webhook-signature"]).not.toBe(second!.headers["webhook-signature"])
      for (const req of [first!, second!]) {
        expect(() => new Webhook(vector.secret).verify(req.body.toString(), plain(req.headers))).not.toThrow()
      }
    }).pipe(Effect.provide(sinkLayer())))
})
