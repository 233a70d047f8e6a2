import * as HttpApi from "@effect/platform/HttpApi"
import * as OpenApi from "@effect/platform/OpenApi"
import { describe, expect, it } from "@effect/vitest"
import { Validator } from "@seriousme/openapi-schema-validator"
import * as Effect from "effect/Effect"
import { WeftApi } from "../src/WeftApi.js"
import { harness } from "./support.js"

// Every endpoint of the definition, as `METHOD /path/{param}`.
const defined = (): ReadonlyArray<string> => {
  const out: Array<string> = []
  HttpApi.reflect(WeftApi, {
    onGroup: () => {},
    onEndpoint: ({ endpoint }) => out.push(`${endpoint.method} ${endpoint.path.replace(/:(\w+)/g, "{$1}")}`)
  })
  return out.sort()
}

describe("the OpenAPI document", () => {
  it.scoped("is served at /openapi.json and is valid OpenAPI 3.1", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const served = yield* Effect.promise(() => h.call("GET", "/openapi.json", { token: null }))
      expect(served.status).toBe(200)
      expect(served.json.openapi).toBe("3.1.0")
      const validator = new Validator()
      const result = yield* Effect.promise(() => validator.validate(served.json))
      expect(result.errors).toBeUndefined()
      expect(result.valid).toBe(true)
      expect(validator.version).toBe("3.1")
      // 400 is documented as what the server answers: BadRequest, not the platform's decode error.
      expect(served.text).not.toContain("HttpApiDecodeError")
      expect(served.json.paths["/syncs"].post.responses["400"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/BadRequest" })
      // The document served is the one derived from the definition.
      expect(served.json).toEqual(JSON.parse(JSON.stringify(OpenApi.fromApi(WeftApi))))
    }))

  it.scoped("lists every endpoint, and the server answers every endpoint it lists", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const document = (yield* Effect.promise(() => h.call("GET", "/openapi.json", { token: null }))).json as {
        paths: Record<string, Record<string, { operationId: string; security?: ReadonlyArray<unknown> }>>
      }
      const listed = Object.entries(document.paths)
        .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
        .sort()
      expect(listed).toEqual(defined())
      expect(listed.length).toBeGreaterThanOrEqual(30)
      // An endpoint the router does not know is a bare 404; one it knows answers
      // (here: 401 without a token, or its own JSON answer).
      for (const endpoint of listed) {
        const [method, path] = endpoint.split(" ") as [string, string]
        const answer = yield* Effect.promise(() => h.call(method, path.replace(/\{\w+\}/g, "x"), { token: null }))
        const bareNotFound = answer.status === 404 && answer.text === ""
        expect(bareNotFound, endpoint).toBe(false)
      }
      const unknown = yield* Effect.promise(() => h.call("GET", "/no-such-endpoint", { token: null }))
      expect(unknown.status).toBe(404)
    }))

  it.scoped("documents each endpoint's security and error statuses", () =>
    Effect.gen(function*() {
      const document = OpenApi.fromApi(WeftApi) as unknown as {
        paths: Record<string, Record<string, { security?: ReadonlyArray<Record<string, unknown>>; responses: Record<string, unknown> }>>
        components: { securitySchemes: Record<string, { type: string; scheme: string }> }
      }
      expect(document.components.securitySchemes).toMatchObject({
        adminKey: { type: "http", scheme: "bearer" },
        sessionToken: { type: "http", scheme: "bearer" }
      })
      const op = (path: string, method: string) => document.paths[path]![method]!
      expect(op("/integrations", "get").security).toEqual([{ adminKey: [] }])
      expect(op("/connect/integrations", "post").security).toEqual([{ sessionToken: [] }])
      expect(op("/health", "get").security).toEqual([])
      expect(Object.keys(op("/connect/integrations", "post").responses).sort()).toEqual(
        ["201", "400", "401", "403", "404", "409", "422", "429", "503"]
      )
      expect(Object.keys(op("/syncs/{id}/trigger", "post").responses)).toEqual(expect.arrayContaining(["202", "401", "403", "404", "409"]))
      yield* Effect.void
    }))

  it.scoped("serves Swagger UI at /docs without loading anything from elsewhere", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const docs = yield* Effect.promise(() => h.call("GET", "/docs", { token: null }))
      expect(docs.status).toBe(200)
      expect(docs.headers.get("content-type")).toContain("text/html")
      expect(docs.text).toContain("SwaggerUIBundle")
      expect(docs.text).not.toMatch(/<(script|link)[^>]+(src|href)=["']https?:/i)
    }))
})
