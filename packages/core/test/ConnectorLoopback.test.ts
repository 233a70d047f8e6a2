import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import { Auth, Connector, Pagination } from "@weft/core"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

// The connector helpers over real HTTP: a provider fake on 127.0.0.1 and the
// undici client, as connectors run in production.

interface Seen {
  readonly method: string
  readonly url: string
  readonly authorization: string | undefined
  readonly body: string
}

const TOKEN = "loopback-token-123"

const startProvider = Effect.acquireRelease(
  Effect.async<{ readonly server: Http.Server; readonly baseUrl: string; readonly seen: Array<Seen> }>((resume) => {
    const seen: Array<Seen> = []
    let throttled = false
    const server = Http.createServer((req, res) => {
      let body = ""
      req.on("data", (chunk: Buffer) => (body += chunk.toString()))
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1")
        seen.push({ method: req.method ?? "", url: url.pathname + url.search, authorization: req.headers.authorization, body })
        if (url.pathname === "/oauth/token") {
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify({ access_token: TOKEN, refresh_token: "r1", expires_in: 3600 }))
          return
        }
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          res.writeHead(401, { "content-type": "application/json" })
          res.end(JSON.stringify({ error: "unauthorized" }))
          return
        }
        if (url.pathname === "/api/users") {
          const page = Number(url.searchParams.get("page") ?? "1")
          // The first request of page 2 is throttled once, with a body to drain.
          if (page === 2 && !throttled) {
            throttled = true
            res.writeHead(429, { "retry-after": "0", "content-type": "text/plain" })
            res.end("slow down ".repeat(1000))
            return
          }
          const headers: Record<string, string> = { "content-type": "application/json" }
          if (page < 3) headers["link"] = `</api/users?page=${page + 1}&per_page=2>; rel="next"`
          res.writeHead(200, headers)
          res.end(JSON.stringify([page * 10, page * 10 + 1]))
          return
        }
        res.writeHead(404, { "content-type": "text/plain" })
        res.end(`no route ${url.pathname}`)
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resume(Effect.succeed({ server, baseUrl: `http://127.0.0.1:${port}`, seen }))
    })
  }),
  ({ server }) => Effect.async<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })
)

const Creds = Schema.Struct({
  access: Schema.Redacted(Schema.String),
  refresh: Schema.Redacted(Schema.String),
  expiresAt: Schema.optional(Schema.Number)
})
type Creds = typeof Creds.Type

const connectorFor = (baseUrl: string) =>
  Connector.define({
    id: "loopback",
    name: "Loopback",
    category: "crm",
    credentials: Creds,
    auth: Auth.oauth2<Creds>({
      authorizeUrl: `${baseUrl}/oauth/authorize`,
      tokenUrl: `${baseUrl}/oauth/token`,
      clientId: "cid",
      clientSecret: Redacted.make("csecret"),
      tokens: (c) => ({ accessToken: c.access, refreshToken: c.refresh, expiresAt: c.expiresAt }),
      withTokens: (c, t) => ({ ...c, access: t.accessToken, refresh: t.refreshToken, expiresAt: t.expiresAt })
    }),
    baseUrl: () => `${baseUrl}/api`,
    check: () => Effect.void,
    readers: []
  })

describe("connector helpers over loopback HTTP", () => {
  it.live("a stale token is refreshed on 401, a 429 is retried, Link pages are followed", () =>
    Effect.gen(function*() {
      const provider = yield* startProvider
      const connector = connectorFor(provider.baseUrl)
      const credentials = yield* connector.credentials.decode({ access: "stale", refresh: "r0" })
      const ctx = yield* Connector.makeContext(connector, { integrationId: "int_1", tenant: "t", credentials })
      const pages = yield* Pagination.link({
        client: ctx.http,
        operation: "list users",
        first: HttpClientRequest.get("/users").pipe(HttpClientRequest.setUrlParam("per_page", "2")),
        decode: Schema.decodeUnknown(Schema.Array(Schema.Number))
      }).pipe(Stream.runCollect)
      expect(Chunk.toArray(pages)).toEqual([[10, 11], [20, 21], [30, 31]])
      expect(provider.seen.map((s) => `${s.method} ${s.url} ${s.authorization === undefined ? "-" : s.authorization.slice(0, 6)}`)).toEqual([
        "GET /api/users?per_page=2 Bearer",
        "POST /oauth/token -",
        "GET /api/users?per_page=2 Bearer",
        "GET /api/users?page=2&per_page=2 Bearer",
        "GET /api/users?page=2&per_page=2 Bearer",
        "GET /api/users?page=3&per_page=2 Bearer"
      ])
      expect(new URLSearchParams(provider.seen[1]!.body).get("refresh_token")).toBe("r0")
      expect(Redacted.value((yield* ctx.currentCredentials).access)).toBe(TOKEN)

      const missing = yield* Connector.passthrough(ctx, HttpClientRequest.get("/nowhere"))
      expect(missing.status).toBe(404)
      expect(yield* missing.text).toBe("no route /api/nowhere")
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))
})
