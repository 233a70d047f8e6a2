import * as Http from "node:http"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import { BambooHR } from "@weft/connectors"
import { Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { StoreMemory } from "@weft/store-memory"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { WeftApiServer } from "../src/index.js"
import { call, connectedBamboo, expectBadRequest, expectError, expectOk, newSession } from "./flows.js"
import { ADMIN_KEY, type Answer, type Harness, harness, WEBHOOK_SECRET } from "./support.js"

/**
 * Input of any shape gets a JSON error naming what is wrong, never a 5xx and
 * never an empty answer.
 */

/** A request written by hand: several writes without a length go out chunked. */
const raw = (
  h: Harness,
  options: { readonly method?: string; readonly path: string; readonly headers?: Http.OutgoingHttpHeaders; readonly chunks: ReadonlyArray<string | Buffer> }
) =>
  Effect.promise(() =>
    new Promise<Answer>((resolve, reject) => {
      const url = new URL(h.url)
      const request = Http.request({
        host: url.hostname,
        port: url.port,
        method: options.method ?? "POST",
        path: options.path,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, ...options.headers }
      })
      request.on("response", (response) => {
        const parts: Array<Buffer> = []
        response.on("data", (part: Buffer) => parts.push(part))
        response.on("end", () => {
          const text = Buffer.concat(parts).toString("utf8")
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          const headers = new Headers()
          for (const [name, value] of Object.entries(response.headers)) if (typeof value === "string") headers.set(name, value)
          resolve({ status: response.statusCode ?? 0, text, json, headers })
        })
      })
      request.on("error", reject)
      for (const chunk of options.chunks) request.write(chunk)
      request.end()
    })
  )

const json = { "content-type": "application/json" }

/** A 4xx with a JSON body that has `_tag` and `message` (or a success). */
const isAnswered = (answer: Answer): boolean =>
  answer.status < 400
    ? answer.status >= 200
    : answer.status < 500 &&
      (answer.headers.get("content-type") ?? "").startsWith("application/json") &&
      typeof answer.json?._tag === "string" &&
      typeof answer.json?.message === "string"

describe("request bodies the API cannot read", () => {
  it.scoped("413 over the limit, by the declared length or while reading a chunked body; a body within it is read", () =>
    Effect.gen(function*() {
      const h = yield* harness({ maxBodyBytes: 1024 })
      const declared = yield* call(h, "POST", "/connect-sessions", { body: { tenant: "acme", padding: "x".repeat(2000) } })
      expectError(declared, 413, "PayloadTooLarge", "payload_too_large")
      expect(declared.json.maxBytes).toBe(1024)
      expect(declared.json.message).toContain("1024")

      const chunk = `"${"y".repeat(500)}",`
      const chunked = yield* raw(h, {
        path: "/connect-sessions",
        headers: json,
        chunks: ["{\"tenant\":\"acme\",\"padding\":[", chunk, chunk, chunk, chunk, "\"z\"]}"]
      })
      expectError(chunked, 413, "PayloadTooLarge", "payload_too_large")
      expect(chunked.json.maxBytes).toBe(1024)

      const small = yield* raw(h, { path: "/connect-sessions", headers: json, chunks: ["{\"tenant\":", "\"acme\"}"] })
      expectOk(small, 201)
      // Exactly at the limit is accepted; one byte more is not.
      const exactly = (size: number) => {
        const prefix = "{\"tenant\":\"acme\",\"padding\":\""
        return `${prefix}${"p".repeat(size - prefix.length - 2)}"}`
      }
      expect(Buffer.byteLength(exactly(1024))).toBe(1024)
      expectOk(yield* call(h, "POST", "/connect-sessions", { rawBody: exactly(1024), headers: json }), 201)
      expectError(yield* call(h, "POST", "/connect-sessions", { rawBody: exactly(1025), headers: json }), 413, "PayloadTooLarge")
      expectError(
        yield* raw(h, { path: "/connect-sessions", headers: json, chunks: [exactly(1025).slice(0, 600), exactly(1025).slice(600)] }),
        413,
        "PayloadTooLarge"
      )
    }))

  it.scoped("400 invalid_json for a body that is not JSON, or nests too deeply", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      for (const text of ["not json", "{\"tenant\": \"acme\"", "{tenant: 'acme'}", "{\"tenant\":\"acme\"}}", "{\"tenant\":\"acme\",}"]) {
        const answer = yield* call(h, "POST", "/connect-sessions", { rawBody: text, headers: json })
        expectError(answer, 400, "BadRequest", "invalid_json")
      }
      const bytes = yield* raw(h, { path: "/connect-sessions", headers: json, chunks: [Buffer.from([0xff, 0xfe, 0x00, 0x7b])] })
      expectError(bytes, 400, "BadRequest", "invalid_json")

      const deep = (depth: number) => `{"method":"GET","path":"/x","body":${"[".repeat(depth)}${"]".repeat(depth)}}`
      const tooDeep = yield* call(h, "POST", "/integrations/int_x/passthrough", { rawBody: deep(20_000), headers: json })
      expectError(tooDeep, 400, "BadRequest", "invalid_json")
      expect(tooDeep.json.message).toContain("100 levels")
      const deepConnectors = `{"tenant":"acme","connectors":${"[".repeat(5000)}${"]".repeat(5000)}}`
      expectError(yield* call(h, "POST", "/connect-sessions", { rawBody: deepConnectors, headers: json }), 400, "BadRequest", "invalid_json")
      // Brackets inside strings are not nesting.
      const inString = `{"tenant":"${"[{".repeat(60)}"}`
      expectOk(yield* call(h, "POST", "/connect-sessions", { rawBody: inString, headers: json }), 201)
      // Nesting within the limit is decoded as usual.
      expectError(yield* call(h, "POST", "/integrations/int_x/passthrough", { rawBody: deep(98), headers: json }), 404, "NotFound")
    }))

  it.scoped("no body at all: an endpoint whose fields are all optional takes none, one with required fields names them", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { sync } = yield* connectedBamboo(h)
      expectOk(yield* call(h, "POST", `/syncs/${sync.id}/trigger`), 202)
      expectOk(yield* call(h, "POST", `/destinations/${sync.destinationId}/disable`), 204)
      expectBadRequest(yield* call(h, "POST", "/connect-sessions"), "body.tenant")
    }))

  it.scoped("400 naming the value for bodies of the wrong shape, type or values; none is repeated back", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const post = (path: string, rawBody: string) => call(h, "POST", path, { rawBody, headers: json })
      for (const body of ["null", "[]", "\"acme\"", "42", "true"]) {
        expectBadRequest(yield* post("/connect-sessions", body), "body")
      }
      expectBadRequest(yield* call(h, "POST", "/connect-sessions", { rawBody: "tenant: acme", headers: { "content-type": "text/plain" } }), "body")
      expectBadRequest(yield* post("/connect-sessions", "{\"tenant\":\"acme\",\"expiresInSeconds\":1e400}"), "body.expiresInSeconds")
      expectBadRequest(yield* post("/connect-sessions", "{\"tenant\":\"acme\",\"expiresInSeconds\":\"600\"}"), "body.expiresInSeconds")
      expectBadRequest(yield* post("/connect-sessions", "{\"tenant\":\"acme\",\"connectors\":[\"bamboohr\",7]}"), "body.connectors[1]")

      // A secret sent in the wrong place is not quoted in the answer.
      const wrongPlace = yield* call(h, "POST", "/syncs", {
        body: { integrationId: "int_x", destination: { url: 42, secrets: [WEBHOOK_SECRET] } }
      })
      expectBadRequest(wrongPlace, "body.destination.url")
      const asString = yield* call(h, "POST", "/destinations", { body: { url: h.receiver.url, secrets: WEBHOOK_SECRET } })
      expectBadRequest(asString, "body.secrets")
      const session = yield* newSession(h)
      const credentials = yield* call(h, "POST", "/connect/integrations", {
        token: session.token,
        body: { connector: "bamboohr", credentials: `acme:${WEBHOOK_SECRET}` }
      })
      expectBadRequest(credentials, "body.credentials")
      for (const answer of [wrongPlace, asString, credentials]) {
        expect(answer.text).not.toContain(WEBHOOK_SECRET)
        expect(answer.text).not.toContain("actual")
      }

      const replay = yield* post("/events/replay", "{\"eventIds\":[]}")
      expectBadRequest(replay, "body.eventIds")
      const none = yield* post("/events/replay", "{}")
      expectBadRequest(none, "body")
      expect(none.json.message).toContain("body.runId")
    }))

  it.scoped("400 for query strings: unknown enum values, limits that are not integers, repeated or malformed values", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const get = (path: string) => call(h, "GET", path)
      expectBadRequest(yield* get("/runs?status=exploded"), "query.status")
      expectBadRequest(yield* get("/runs?status=RUNNING"), "query.status")
      expectBadRequest(yield* get("/events?type=record.created"), "query.type")
      expectBadRequest(yield* get("/integrations?status=enabled"), "query.status")
      for (const limit of ["ten", "NaN", "Infinity", "10abc", "%20", ""]) {
        const answer = yield* get(`/events?limit=${limit}`)
        expectBadRequest(answer, "query.limit")
        if (limit.length > 2) expect(answer.json.message).not.toContain(limit)
      }
      expectBadRequest(yield* get("/runs?limit=1&limit=2"), "query.limit")
      expectBadRequest(yield* get("/events?to=soon"), "query.to")
      // Ids are checked too: control characters and blanks are refused; an overlong one is not found
      // (the router matches path parameters of up to 100 characters, and answers a bare 404 past that).
      expectBadRequest(yield* get("/runs/%00"), "id")
      expectBadRequest(yield* get("/integrations/%20"), "id")
      expectError(yield* get(`/syncs/${"s".repeat(100)}`), 404, "NotFound")
      expect((yield* get(`/syncs/${"s".repeat(5000)}`)).status).toBe(404)
      // Unknown parameters are ignored.
      expectOk(yield* get("/runs?colour=blue"))
    }))
})

describe("the web-standard handler", () => {
  it.scoped("reads bodies the same way: JSON, forms, not JSON, too large (streamed), too deep, the wrong shape", () =>
    Effect.gen(function*() {
      const weft = Weft.layer({ connectors: [BambooHR.connector({ baseUrl: () => "http://127.0.0.1:9" })] }).pipe(
        Layer.provide(Layer.mergeAll(
          StoreMemory.layer,
          SinkWebhook.layer(),
          Vault.layer({ current: { id: "k1", key: Redacted.make(Buffer.alloc(32, 1).toString("base64")) } })
        )),
        Layer.provideMerge(NodeHttpClient.layerUndici)
      )
      const { dispose, handler } = WeftApiServer.toWebHandler(
        WeftApiServer.layer({ apiKeys: [Redacted.make(ADMIN_KEY)], maxBodyBytes: 1024 }).pipe(Layer.provide(weft))
      )
      yield* Effect.addFinalizer(() => Effect.promise(dispose))
      const post = (body: BodyInit, contentType = "application/json") =>
        Effect.promise(async () => {
          const response = await handler(
            new Request("http://weft.test/connect-sessions", {
              method: "POST",
              headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": contentType },
              body,
              duplex: "half"
            } as RequestInit)
          )
          return { status: response.status, json: await response.json() }
        })
      expect((yield* post(JSON.stringify({ tenant: "acme" }))).status).toBe(201)
      expect((yield* post("tenant=acme", "application/x-www-form-urlencoded")).status).toBe(201)
      expect(yield* post("nope")).toMatchObject({ status: 400, json: { code: "invalid_json" } })
      const streamed = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(i === 0 ? "{\"tenant\":\"" : "x".repeat(500)))
          controller.enqueue(new TextEncoder().encode("\"}"))
          controller.close()
        }
      })
      expect(yield* post(streamed)).toMatchObject({ status: 413, json: { _tag: "PayloadTooLarge", maxBytes: 1024 } })
      expect(yield* post(`{"tenant":"a","connectors":${"[".repeat(200)}${"]".repeat(200)}}`)).toMatchObject({
        status: 400,
        json: { code: "invalid_json" }
      })
      expect(yield* post(JSON.stringify({ tenant: 5 }))).toMatchObject({ status: 400, json: { _tag: "BadRequest", path: "body.tenant" } })
    }))
})

describe("arbitrary input (property)", () => {
  it.scoped("any JSON body to any endpoint that takes one: a 2xx, or a 4xx with a JSON body that has _tag and message", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId, sync } = yield* connectedBamboo(h)
      const session = yield* newSession(h)
      const endpoints: ReadonlyArray<readonly [string, string, string?]> = [
        ["POST", "/connect-sessions"],
        ["POST", "/connect/integrations", session.token],
        ["POST", "/connect/oauth2/hubspot/authorize", session.token],
        ["PUT", `/integrations/${integrationId}/credentials`],
        ["POST", `/integrations/${integrationId}/passthrough`],
        ["POST", "/syncs"],
        ["POST", `/syncs/${sync.id}/trigger`],
        ["POST", `/syncs/${sync.id}/resync`],
        ["POST", "/events/replay"],
        ["POST", "/destinations"],
        ["POST", `/destinations/${sync.destinationId}/disable`],
        ["PUT", `/destinations/${sync.destinationId}/secrets`]
      ]
      const bodies = fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.dictionary(
          fc.constantFrom("tenant", "connector", "credentials", "method", "path", "destination", "secrets", "model", "recordId", "eventIds", "from", "to", "type", "reason"),
          fc.jsonValue({ maxDepth: 3 })
        )
      )
      for (const [method, path, token] of endpoints) {
        yield* Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(bodies, async (body) => {
              const answer = await h.call(method, path, { body, ...(token === undefined ? {} : { token }) })
              if (!isAnswered(answer)) throw new Error(`${method} ${path} ${JSON.stringify(body)} → ${answer.status} ${answer.text}`)
            }),
            { numRuns: 40, seed: 7 }
          )
        )
      }
    }), { timeout: 300_000 })

  it.scoped("any text as a JSON body, and any query string: never a 5xx", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.string({ maxLength: 200 }), fc.constantFrom("/connect-sessions", "/events/replay", "/syncs"), async (text, path) => {
            const answer = await h.call("POST", path, { rawBody: text, headers: json })
            if (!isAnswered(answer)) throw new Error(`POST ${path} ${JSON.stringify(text)} → ${answer.status} ${answer.text}`)
          }),
          { numRuns: 100, seed: 11 }
        )
      )
      const params = fc.dictionary(
        fc.constantFrom("limit", "cursor", "status", "type", "from", "to", "runId", "syncId", "integrationId", "tenant", "connector"),
        fc.string({ maxLength: 40 })
      )
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(params, fc.constantFrom("/runs", "/events", "/integrations", "/syncs"), async (query, path) => {
            const answer = await h.call("GET", `${path}?${new URLSearchParams(query)}`)
            if (!isAnswered(answer)) throw new Error(`GET ${path}?${new URLSearchParams(query)} → ${answer.status} ${answer.text}`)
          }),
          { numRuns: 150, seed: 13 }
        )
      )
    }), { timeout: 300_000 })
})
