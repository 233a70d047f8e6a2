import type * as HttpClient from "@effect/platform/HttpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { expect, it } from "@effect/vitest"
import { BambooHR } from "@weft/connectors"
import { Connector, type Errors } from "@weft/core/connector"
import { BambooHRFake } from "@weft/testing"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/** Shared set-up of the BambooHR connector tests: a fake company and a connector context on it. */

export const keys = BambooHRFake.keys

/** The cursor form of an instant: ISO 8601 to the second. */
export const asCursor = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z")

export interface Setup {
  readonly size?: number
  readonly seed?: number
  readonly apiKey?: string
  readonly companyDomain?: string
  /** Employees per page (default 50); `null` for the connector's own default. */
  readonly pageSize?: number | null
  readonly connector?: BambooHR.Options
}

/** A fake company and a connector context pointed at it. */
export const setup = (options: Setup = {}) =>
  Effect.gen(function*() {
    const fake = yield* BambooHRFake.scoped({ size: options.size ?? 120, seed: options.seed ?? 7 })
    const bamboo = BambooHR.connector({
      baseUrl: fake.baseUrl,
      ...(options.pageSize === null ? {} : { pageSize: options.pageSize ?? 50 }),
      rateLimit: "none",
      retry: { baseDelay: "10 millis", maxDelay: "50 millis" },
      ...options.connector
    })
    const credentials = yield* bamboo.credentials.decode({
      companyDomain: options.companyDomain ?? "acme",
      apiKey: options.apiKey ?? keys.admin
    })
    const context = yield* Connector.makeContext(bamboo, { integrationId: "int_bamboo", tenant: "acme", credentials })
    return { fake, bamboo, context }
  })

export type Bamboo = Connector.Connector<BambooHR.Credentials>
export type Context = Connector.ConnectorContext<BambooHR.Credentials>

export const reader = (bamboo: Bamboo) => Connector.readerFor(bamboo, "hris.employee")!

export const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

/** Every record of a full read. */
export const readAllRecords = (bamboo: Bamboo, context: Context) =>
  Effect.map(collect(reader(bamboo).readAll(context)), (pages) => pages.flatMap((p) => p.records))

/** The cursor a full read ends with. */
export const initialCursor = (bamboo: Bamboo, context: Context) =>
  Effect.map(collect(reader(bamboo).readAll(context)), (pages) => pages.at(-1)!.cursor!)

export const idOf = (record: unknown) => (record as { readonly id: string }).id

/** List requests the fake received (`GET /acme/api/v1/employees`). */
export const listRequests = (fake: BambooHRFake.Fake) => fake.requests.filter((r) => r.path === "/acme/api/v1/employees")

/** Get Employee requests the fake received. */
export const detailRequests = (fake: BambooHRFake.Fake) => fake.requests.filter((r) => /\/employees\/\d+$/.test(r.path))

/** A test against the real fake over loopback: live clock (retries really wait), undici client. */
export const live = <A, E>(name: string, self: () => Effect.Effect<A, E, Scope.Scope | HttpClient.HttpClient>, timeout?: number) =>
  it.live(name, () => self().pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)), timeout)

/** A refusal with a message and a resolution that name none of the fake's keys. */
export const refusal = (error: Errors.ConnectionError | undefined) => {
  expect(error?._tag).toBe("ConnectionError")
  expect(error!.message.length).toBeGreaterThan(10)
  expect(error!.resolution.length).toBeGreaterThan(10)
  for (const key of Object.values(keys)) {
    expect(error!.message).not.toContain(key)
    expect(error!.resolution).not.toContain(key)
    expect(JSON.stringify(error)).not.toContain(key)
    expect(String(error)).not.toContain(key)
  }
  return error!
}

export const checkFailure = (context: Context, bamboo: Bamboo) => Effect.map(Effect.flip(bamboo.check(context)), refusal)
