import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { Auth, Connector, type ReadLimits } from "@weft/core/connector"
import { Weft } from "@weft/core/host"
import { Employee } from "@weft/core/models"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { T0, testDeliveryOptions } from "./support/delivery.js"
import { testKeys } from "./support/harness.js"
import { Credentials, employee } from "./support/MemoryProvider.js"
import * as RecordingSink from "./support/RecordingSink.js"

/**
 * A provider that answers page 1 and never answers page 2, over real HTTP:
 * each attempt ends at the request timeout (the host's default, the
 * connector's, or the integration's), under the TestClock.
 */

const destination = { url: "https://hooks.example.com/weft", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }

const silentAfterPage1 = Effect.acquireRelease(
  Effect.async<{ readonly server: Http.Server; readonly baseUrl: string; readonly page2: { count: number } }>((resume) => {
    const page2 = { count: 0 }
    const server = Http.createServer((req, res) => {
      if (req.url === "/employees?page=1") {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({ records: [employee(1), employee(2)], next: 2 }))
        return
      }
      // Page 2: the request is taken and never answered.
      page2.count += 1
    })
    server.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({ server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, page2 })))
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

const Page = Schema.Struct({ records: Schema.Array(Schema.Unknown), next: Schema.optional(Schema.Number) })

const pagedConnector = (baseUrl: string, limits?: ReadLimits.ReadLimits) =>
  Connector.define({
    id: "paged",
    name: "Paged HR",
    category: "hris",
    credentials: Credentials,
    auth: Auth.bearer((c: typeof Credentials.Type) => c.token),
    baseUrl: () => baseUrl,
    check: () => Effect.void,
    // One attempt per request: each timeout ends the read.
    retry: { maxRetries: 0 },
    ...(limits === undefined ? {} : { limits }),
    readers: [{
      model: Employee.model,
      mode: "full",
      readAll: (context) =>
        Stream.paginateEffect(1, (page: number) =>
          context.http.get(`/employees?page=${page}`).pipe(
            Effect.flatMap(HttpClientResponse.schemaBodyJson(Page)),
            Effect.map((body): readonly [Connector.RecordPage, Option.Option<number>] => [
              { records: body.records },
              body.next === undefined ? Option.none() : Option.some(body.next)
            ])
          ))
    }]
  })

// Real sockets do their work outside the fiber: give them a turn of the event loop.
const ioTurn = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 5)))

const waitFor = (check: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 2_000 && !check(); i++) yield* ioTurn
    expect(check()).toBe(true)
  })

const readUntilTimeout = (options: { readonly connector?: ReadLimits.ReadLimits; readonly integration?: ReadLimits.ReadLimits }, expectedMs: number) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const provider = yield* silentAfterPage1
    const sink = yield* RecordingSink.make
    const layer = Weft.layer({ connectors: [pagedConnector(provider.baseUrl, options.connector)], delivery: testDeliveryOptions }).pipe(
      Layer.provide(Layer.mergeAll(StoreMemory.layer, sink.layer, Vault.layer(testKeys), NodeHttpClient.layerUndici))
    )
    return yield* Effect.gen(function*() {
      const weft = yield* Weft.Weft
      const { syncs } = yield* weft.integrations.connect({
        connector: "paged",
        tenant: "acme",
        credentials: { token: "t" },
        syncs: [{ destination, frequency: "1 day" }],
        ...(options.integration === undefined ? {} : { limits: options.integration })
      })
      const syncId = syncs[0]!.id
      yield* waitFor(() => provider.page2.count === 1)
      // Just short of the timeout, the read still waits.
      yield* TestClock.adjust(expectedMs - 1)
      expect((yield* weft.runs.list({ syncId }))[0]!.status).toBe("running")
      yield* TestClock.adjust(1)
      let runs = yield* weft.runs.list({ syncId })
      for (let i = 0; i < 10_000 && runs[0]!.status === "running"; i++) {
        yield* ioTurn
        runs = yield* weft.runs.list({ syncId })
      }
      return { run: runs[0]!, page2: provider.page2.count }
    }).pipe(Effect.provide(layer))
  })

describe("Provider request timeout", () => {
  it.scoped("a provider that stops answering page 2 fails the read at the default 30 s, with a clear audit error", () =>
    Effect.gen(function*() {
      const { page2, run } = yield* readUntilTimeout({}, 30_000)
      expect(run.status).toBe("failed")
      const audit = run.models["hris.employee"]!
      expect(audit.error?.message).toContain("did not answer within 30s")
      expect(audit.counters.new).toBe(2)
      expect(audit.counters.deleted).toBe(0)
      expect(page2).toBe(1)
    }))

  it.scoped("a connector's own request timeout replaces the default", () =>
    Effect.gen(function*() {
      const { run } = yield* readUntilTimeout({ connector: { requestTimeout: "10 seconds" } }, 10_000)
      expect(run.models["hris.employee"]!.error?.message).toContain("did not answer within 10s")
    }))

  it.scoped("an integration's request timeout replaces the connector's", () =>
    Effect.gen(function*() {
      const { run } = yield* readUntilTimeout({ connector: { requestTimeout: "10 seconds" }, integration: { requestTimeout: "5 seconds" } }, 5_000)
      expect(run.models["hris.employee"]!.error?.message).toContain("did not answer within 5s")
    }))
})
