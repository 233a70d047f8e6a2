import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { describe, expect, it } from "@effect/vitest"
import type { Event } from "@weft/core/events"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { createServer } from "node:http"
import { Receiver, Secret, Signature } from "../src/index.js"
import { bodyText, event, eventId, otherSecret, vector } from "./support/fixtures.js"
import { streamingPost } from "./support/streamingPost.js"

const now = 1_764_180_000
const key = (secret: string) => Either.getOrThrow(Secret.decode(secret))

const signed = (options: {
  readonly secrets?: ReadonlyArray<string>
  readonly timestamp?: number
  readonly body?: string
  readonly id?: string
} = {}) => {
  const timestamp = options.timestamp ?? now
  const id = options.id ?? eventId
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": Signature.sign(
      (options.secrets ?? [vector.secret]).map(key),
      id,
      timestamp,
      options.body ?? bodyText
    )
  }
}

const check = (
  headers: Receiver.HeadersInput,
  body: string | Uint8Array = bodyText,
  secrets: Secret.SecretInput | ReadonlyArray<Secret.SecretInput> = vector.secret,
  options?: Receiver.VerifyOptions
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(now * 1000)
    return yield* Effect.either(Receiver.verify(secrets, headers, body, options))
  })

const reasonOf = (result: Either.Either<Event.WeftEvent, Receiver.WebhookVerificationError>) =>
  Either.isLeft(result) ? result.left.reason : "ok"

describe("Receiver.verify", () => {
  it.effect("accepts a good delivery and decodes the event", () =>
    Effect.gen(function*() {
      const result = yield* check(signed())
      expect(Either.getOrThrow(result)).toEqual(event)
      // bytes work as well as strings; a Redacted secret as well as a plain one
      const bytes = yield* check(signed(), new TextEncoder().encode(bodyText), [Redacted.make(vector.secret)])
      expect(Either.isRight(bytes)).toBe(true)
    }))

  it.effect("a tampered body does not verify", () =>
    Effect.gen(function*() {
      expect(reasonOf(yield* check(signed(), bodyText.replace("Zoë", "Zoe")))).toBe("no_matching_signature")
      // re-serialised JSON is a different byte string
      expect(reasonOf(yield* check(signed(), JSON.stringify(JSON.parse(bodyText))))).toBe("no_matching_signature")
    }))

  it.effect("a tampered id or timestamp does not verify", () =>
    Effect.gen(function*() {
      expect(reasonOf(yield* check({ ...signed(), "webhook-id": "evt_other" }))).toBe("no_matching_signature")
      expect(reasonOf(yield* check({ ...signed(), "webhook-timestamp": String(now + 1) }))).toBe("no_matching_signature")
    }))

  it.effect("the wrong secret does not verify, and the error never shows a secret", () =>
    Effect.gen(function*() {
      const result = yield* check(signed(), bodyText, otherSecret)
      expect(reasonOf(result)).toBe("no_matching_signature")
      if (Either.isLeft(result)) {
        for (const text of [result.left.message, String(result.left), JSON.stringify(result.left)]) {
          expect(text).not.toContain(otherSecret.slice(6))
          expect(text).not.toContain(vector.secret.slice(6))
        }
      }
    }))

  it.effect("timestamps beyond ±5 minutes are refused; within, accepted", () =>
    Effect.gen(function*() {
      expect(reasonOf(yield* check(signed({ timestamp: now - 301 })))).toBe("timestamp_out_of_tolerance")
      expect(reasonOf(yield* check(signed({ timestamp: now + 301 })))).toBe("timestamp_out_of_tolerance")
      expect(reasonOf(yield* check(signed({ timestamp: now - 300 })))).toBe("ok")
      expect(reasonOf(yield* check(signed({ timestamp: now + 300 })))).toBe("ok")
      const old = yield* check(signed({ timestamp: now - 3600 }))
      if (Either.isLeft(old)) expect(old.left.detail).toContain("3600s ago")
    }))

  it.effect("toleranceSeconds changes the window", () =>
    Effect.gen(function*() {
      const headers = signed({ timestamp: now - 60 })
      expect(reasonOf(yield* check(headers, bodyText, vector.secret, { toleranceSeconds: 30 }))).toBe(
        "timestamp_out_of_tolerance"
      )
      expect(reasonOf(yield* check(headers, bodyText, vector.secret, { toleranceSeconds: 90 }))).toBe("ok")
    }))

  it.effect("unknown versions are skipped; any v1 entry may match any secret", () =>
    Effect.gen(function*() {
      const good = signed()["webhook-signature"]
      const withUnknown = { ...signed(), "webhook-signature": `v2,AAAA v1a,${good.slice(3)} ${good}` }
      expect(reasonOf(yield* check(withUnknown))).toBe("ok")
      const onlyUnknown = { ...signed(), "webhook-signature": `v2,${good.slice(3)}` }
      expect(reasonOf(yield* check(onlyUnknown))).toBe("no_matching_signature")
      // rotation: signed with old + new, the receiver knows only one of them
      const both = signed({ secrets: [vector.secret, otherSecret] })
      expect(reasonOf(yield* check(both, bodyText, otherSecret))).toBe("ok")
      expect(reasonOf(yield* check(both, bodyText, vector.secret))).toBe("ok")
      // the receiver knows both, the sender signs with one
      expect(reasonOf(yield* check(signed({ secrets: [otherSecret] }), bodyText, [vector.secret, otherSecret]))).toBe(
        "ok"
      )
      // a garbage entry before the good one is harmless
      expect(reasonOf(yield* check({ ...signed(), "webhook-signature": `v1,!!notbase64 v1,AAAA ${good}` }))).toBe("ok")
    }))

  it.effect("missing or malformed headers", () =>
    Effect.gen(function*() {
      const { "webhook-signature": _, ...noSignature } = signed()
      const result = yield* check(noSignature)
      expect(reasonOf(result)).toBe("missing_headers")
      if (Either.isLeft(result)) expect(result.left.detail).toContain("webhook-signature")
      expect(reasonOf(yield* check({}))).toBe("missing_headers")
      expect(reasonOf(yield* check({ ...signed(), "webhook-timestamp": "yesterday" }))).toBe("missing_headers")
    }))

  it.effect("header names in any case, Headers instances and array values", () =>
    Effect.gen(function*() {
      const h = signed()
      const upper = {
        "Webhook-Id": h["webhook-id"],
        "WEBHOOK-TIMESTAMP": h["webhook-timestamp"],
        "Webhook-Signature": [h["webhook-signature"]]
      }
      expect(reasonOf(yield* check(upper))).toBe("ok")
      expect(reasonOf(yield* check(new Headers(h)))).toBe("ok")
    }))

  it.effect("a signed body that is not a Weft event is invalid_payload", () =>
    Effect.gen(function*() {
      const notJson = "not json"
      expect(reasonOf(yield* check(signed({ body: notJson }), notJson))).toBe("invalid_payload")
      const wrong = JSON.stringify({ ...event, type: "record.exploded" })
      const result = yield* check(signed({ body: wrong }), wrong)
      expect(reasonOf(result)).toBe("invalid_payload")
      if (Either.isLeft(result)) expect(result.left.detail).toContain("not a Weft event")
    }))

  it.effect("a malformed receiver secret is reported, not echoed", () =>
    Effect.gen(function*() {
      const result = yield* check(signed(), bodyText, "whsec_c2hvcnQ=")
      expect(reasonOf(result)).toBe("invalid_secret")
      if (Either.isLeft(result)) expect(result.left.message).not.toContain("c2hvcnQ")
    }))
})

describe("Receiver.verifySync", () => {
  it("verifies with an explicit now (ms or Date)", () => {
    const ok = Receiver.verifySync(vector.secret, signed(), bodyText, { now: now * 1000 })
    expect(ok).toEqual({ ok: true, event })
    expect(Receiver.verifySync(vector.secret, signed(), bodyText, { now: new Date(now * 1000) }).ok).toBe(true)
  })

  it("defaults now to the system clock", () => {
    const fresh = signed({ timestamp: Math.floor(Date.now() / 1000) })
    expect(Receiver.verifySync([vector.secret], fresh, bodyText).ok).toBe(true)
    const stale = Receiver.verifySync([vector.secret], signed(), bodyText)
    expect(stale.ok).toBe(false)
    if (!stale.ok) expect(stale.error.reason).toBe("timestamp_out_of_tolerance")
  })

  it("returns the typed error instead of throwing", () => {
    const result = Receiver.verifySync(otherSecret, signed(), bodyText, { now: now * 1000 })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(Receiver.WebhookVerificationError)
      expect(result.error.reason).toBe("no_matching_signature")
    }
  })
})

describe("Receiver.handler served by NodeHttpServer", () => {
  const ServerLive = NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })

  const rejected: Array<string> = []
  const serve = (onEvent: (event: Event.WeftEvent) => Effect.Effect<void, string>) =>
    Effect.gen(function*() {
      const router = HttpRouter.empty.pipe(
        HttpRouter.post("/weft", Receiver.handler({
          secrets: [vector.secret],
          onEvent,
          onRejected: (error) => Effect.sync(() => void rejected.push(error.reason))
        }))
      )
      yield* HttpServer.serveEffect(router)
      return yield* HttpServer.addressWith((address) =>
        Effect.succeed(address._tag === "TcpAddress" ? `http://${address.hostname}:${address.port}/weft` : "")
      )
    })

  const post = (url: string, headers: Record<string, string>, body: string) =>
    Effect.promise(() => fetch(url, { method: "POST", headers, body }))

  it.scopedLive("verifies, calls onEvent and answers 204", () =>
    Effect.gen(function*() {
      const seen: Array<Event.WeftEvent> = []
      const url = yield* serve((e) => Effect.sync(() => void seen.push(e)))
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/weft$/)
      const fresh = signed({ timestamp: Math.floor(Date.now() / 1000) })
      const res = yield* post(url, fresh, bodyText)
      expect(res.status).toBe(204)
      expect(seen).toEqual([event])
    }).pipe(Effect.provide(Layer.fresh(ServerLive))))

  it.scopedLive("401 for signature problems, 400 for a bad payload, 500 when onEvent fails", () =>
    Effect.gen(function*() {
      const url = yield* serve((e) => (e.type === "record.deleted" ? Effect.fail("db down") : Effect.void))
      const ts = Math.floor(Date.now() / 1000)
      const unsigned = yield* post(url, { "content-type": "application/json" }, bodyText)
      expect(unsigned.status).toBe(401)
      expect(yield* Effect.promise(() => unsigned.json())).toMatchObject({ error: "missing_headers" })
      const wrong = yield* post(url, signed({ timestamp: ts, secrets: [otherSecret] }), bodyText)
      expect(wrong.status).toBe(401)
      const stale = yield* post(url, signed({ timestamp: ts - 3600 }), bodyText)
      expect(stale.status).toBe(401)
      const junk = "{\"hello\": 1}"
      const bad = yield* post(url, signed({ timestamp: ts, body: junk }), junk)
      expect(bad.status).toBe(400)
      const deleted = JSON.stringify({ ...event, type: "record.deleted", data: { id: "123", reason: "removed" } })
      const failing = yield* post(url, signed({ timestamp: ts, body: deleted }), deleted)
      expect(failing.status).toBe(500)
      expect(rejected).toEqual(["missing_headers", "no_matching_signature", "timestamp_out_of_tolerance", "invalid_payload"])
    }).pipe(Effect.provide(Layer.fresh(ServerLive))))
})

describe("Receiver: body size limits", () => {
  const bytes = Buffer.byteLength(bodyText)

  it.effect("verify refuses a body longer than maxBodyBytes, counting UTF-8 bytes", () =>
    Effect.gen(function*() {
      // the fixture has multi-byte characters: its length in chars is below its length in bytes
      expect(bodyText.length).toBeLessThan(bytes)
      const limit = (maxBodyBytes: number) => ({ maxBodyBytes })
      expect(reasonOf(yield* check(signed(), bodyText, vector.secret, limit(bytes)))).toBe("ok")
      expect(reasonOf(yield* check(signed(), bodyText, vector.secret, limit(bytes - 1)))).toBe("body_too_large")
      expect(reasonOf(yield* check(signed(), bodyText, vector.secret, limit(bodyText.length)))).toBe("body_too_large")
      const asBytes = new TextEncoder().encode(bodyText)
      expect(reasonOf(yield* check(signed(), asBytes, vector.secret, limit(bytes)))).toBe("ok")
      const refused = yield* check(signed(), asBytes, vector.secret, limit(bytes - 1))
      expect(reasonOf(refused)).toBe("body_too_large")
      if (Either.isLeft(refused)) {
        expect(refused.left).toBeInstanceOf(Receiver.WebhookVerificationError)
        expect(refused.left.detail).toContain(`longer than ${bytes - 1} bytes`)
      }
    }))

  it.effect("verify's default limit is 4 MiB, checked after the headers and before the signature", () =>
    Effect.gen(function*() {
      expect(Receiver.defaultMaxBodyBytes).toBe(4 * 1024 * 1024)
      const huge = "x".repeat(Receiver.defaultMaxBodyBytes + 1)
      // correctly signed, still refused for its size
      expect(reasonOf(yield* check(signed({ body: huge }), huge))).toBe("body_too_large")
      // a stale delivery is refused as such, whatever its size
      expect(reasonOf(yield* check(signed({ timestamp: now - 3600, body: huge }), huge))).toBe("timestamp_out_of_tolerance")
    }))

  it("verifySync refuses an oversized body with the typed error", () => {
    const result = Receiver.verifySync(vector.secret, signed(), bodyText, { now: now * 1000, maxBodyBytes: 64 })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(Receiver.WebhookVerificationError)
      expect(result.error.reason).toBe("body_too_large")
      expect(Receiver.httpStatus(result.error.reason)).toBe(413)
    }
    const huge = new Uint8Array(Receiver.defaultMaxBodyBytes + 1)
    const byDefault = Receiver.verifySync(vector.secret, signed({ body: "" }), huge, { now: now * 1000 })
    expect(byDefault.ok ? "ok" : byDefault.error.reason).toBe("body_too_large")
  })

  const ServerLive = NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })

  const serveWith = (options: { readonly maxBodyBytes?: number }) =>
    Effect.gen(function*() {
      const rejected: Array<string> = []
      const events: Array<Event.WeftEvent> = []
      const router = HttpRouter.empty.pipe(
        HttpRouter.post("/weft", Receiver.handler({
          secrets: [vector.secret],
          ...options,
          onEvent: (e) => Effect.sync(() => void events.push(e)),
          onRejected: (error) => Effect.sync(() => void rejected.push(error.reason))
        }))
      )
      yield* HttpServer.serveEffect(router)
      const url = yield* HttpServer.addressWith((address) =>
        Effect.succeed(address._tag === "TcpAddress" ? `http://${address.hostname}:${address.port}/weft` : "")
      )
      return { url, rejected, events }
    })

  const nowSeconds = () => Math.floor(Date.now() / 1000)
  // Far more than socket buffers hold: a server that reads nothing stalls the sender long before.
  const endless = 64 * 1024 * 1024
  const bounded = 24 * 1024 * 1024

  it.scopedLive("the handler answers 401 to a stale timestamp without reading the body", () =>
    Effect.gen(function*() {
      const { rejected, url } = yield* serveWith({})
      const stale = { ...signed({ timestamp: nowSeconds() - 3600 }), "content-type": "application/json" }
      const answer = yield* streamingPost(url, stale, { total: endless })
      expect(answer.status).toBe(401)
      expect(JSON.parse(answer.body)).toMatchObject({ error: "timestamp_out_of_tolerance" })
      expect(answer.headers.connection).toBe("close")
      expect(answer.writtenAtResponse).toBeLessThan(bounded)
      expect(rejected).toEqual(["timestamp_out_of_tolerance"])
    }).pipe(Effect.provide(Layer.fresh(ServerLive))))

  it.scopedLive("the handler answers 401 to missing headers without reading the body", () =>
    Effect.gen(function*() {
      const { url } = yield* serveWith({})
      const answer = yield* streamingPost(url, { "content-type": "application/json" }, { total: endless })
      expect(answer.status).toBe(401)
      expect(JSON.parse(answer.body)).toMatchObject({ error: "missing_headers" })
      expect(answer.writtenAtResponse).toBeLessThan(bounded)
    }).pipe(Effect.provide(Layer.fresh(ServerLive))))

  it.scopedLive("the handler answers 413 to a content-length over maxBodyBytes before reading anything", () =>
    Effect.gen(function*() {
      const { rejected, url } = yield* serveWith({ maxBodyBytes: 64 * 1024 })
      const fresh = signed({ timestamp: nowSeconds() })
      const answer = yield* streamingPost(url, fresh, { total: endless, declareLength: true })
      expect(answer.status).toBe(413)
      expect(JSON.parse(answer.body)).toMatchObject({ error: "body_too_large" })
      expect(answer.headers.connection).toBe("close")
      expect(answer.writtenAtResponse).toBeLessThan(bounded)
      expect(rejected).toEqual(["body_too_large"])
    }).pipe(Effect.provide(Layer.fresh(ServerLive))))

  it.scopedLive("the handler answers 413 to a chunked body once it passes maxBodyBytes, and stops reading", () =>
    Effect.gen(function*() {
      const { rejected, url } = yield* serveWith({ maxBodyBytes: 64 * 1024 })
      const fresh = signed({ timestamp: nowSeconds() })
      const answer = yield* streamingPost(url, fresh, { total: endless })
      expect(answer.status).toBe(413)
      expect(JSON.parse(answer.body)).toMatchObject({ error: "body_too_large" })
      expect(answer.headers.connection).toBe("close")
      expect(answer.writtenAtResponse).toBeLessThan(bounded)
      expect(rejected).toEqual(["body_too_large"])
    }).pipe(Effect.provide(Layer.fresh(ServerLive))))

  it.scopedLive("the handler accepts a body of exactly maxBodyBytes; one byte less of limit is 413", () =>
    Effect.gen(function*() {
      const events: Array<Event.WeftEvent> = []
      const limited = (maxBodyBytes: number) =>
        Receiver.handler({ secrets: [vector.secret], maxBodyBytes, onEvent: (e) => Effect.sync(() => void events.push(e)) })
      yield* HttpServer.serveEffect(HttpRouter.empty.pipe(
        HttpRouter.post("/exact", limited(bytes)),
        HttpRouter.post("/tight", limited(bytes - 1))
      ))
      const base = yield* HttpServer.addressWith((address) =>
        Effect.succeed(address._tag === "TcpAddress" ? `http://${address.hostname}:${address.port}` : "")
      )
      const post = (path: string) =>
        Effect.promise(() =>
          fetch(`${base}${path}`, { method: "POST", headers: signed({ timestamp: nowSeconds() }), body: bodyText })
        )
      expect((yield* post("/exact")).status).toBe(204)
      const refused = yield* post("/tight")
      expect(refused.status).toBe(413)
      expect(yield* Effect.promise(() => refused.json())).toMatchObject({ error: "body_too_large" })
      expect(events).toEqual([event])
    }).pipe(Effect.provide(Layer.fresh(ServerLive))))
})
