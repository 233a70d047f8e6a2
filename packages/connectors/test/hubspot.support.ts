import type * as HttpClient from "@effect/platform/HttpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { expect, it } from "@effect/vitest"
import { HubSpot } from "@weft/connectors"
import { Connector, type Errors } from "@weft/core/connector"
import { HubSpotFake } from "@weft/testing"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/** What the tests build on: a fake portal and a connector context pointed at it. */
export interface Setup {
  readonly size?: number
  readonly seed?: number
  readonly fake?: HubSpotFake.Options
  readonly connector?: Partial<HubSpot.Options>
  /** Which token pair to connect with (default `good`). */
  readonly tokens?: (fake: HubSpotFake.Fake) => HubSpotFake.TokenPair
  readonly expiresAt?: number
  readonly onCredentialsRefreshed?: (credentials: HubSpot.Credentials) => Effect.Effect<void>
}

export const setup = (options: Setup = {}) =>
  Effect.gen(function*() {
    const fake = yield* HubSpotFake.scoped({ size: options.size ?? 120, seed: options.seed ?? 11, ...options.fake })
    const hubspot = HubSpot.connector({
      clientId: fake.clientId,
      clientSecret: Redacted.make(fake.clientSecret),
      baseUrl: fake.url,
      tokenUrl: fake.tokenUrl,
      pageSize: 50,
      rateLimit: { limit: 1000, interval: "1 second" },
      retry: { baseDelay: "10 millis", maxDelay: "40 millis" },
      ...options.connector
    })
    const pair = (options.tokens ?? ((f) => f.tokens.good))(fake)
    const credentials = yield* hubspot.credentials.decode({
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt })
    })
    const context = yield* Connector.makeContext(hubspot, {
      integrationId: "int_hubspot",
      tenant: "acme",
      credentials,
      onCredentialsRefreshed: options.onCredentialsRefreshed
    })
    return { fake, hubspot, context }
  })

export type Context = Effect.Effect.Success<ReturnType<typeof setup>>["context"]
export type HubSpotConnector = Connector.Connector<HubSpot.Credentials>

export const reader = (hubspot: HubSpotConnector, model: "crm.contact" | "crm.company" | "crm.deal") =>
  Connector.readerFor(hubspot, model)!

export const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

/** All records of a read, and the cursor its last page carries. */
export const drain = <E>(stream: Stream.Stream<Connector.RecordPage, E>) =>
  Effect.map(collect(stream), (pages) => ({
    pages,
    records: pages.flatMap((p) => p.records) as ReadonlyArray<Record<string, unknown>>,
    deleted: pages.flatMap((p) => p.deleted ?? []),
    cursor: pages.at(-1)?.cursor
  }))

/** A test against the real fake over loopback: live clock (retries really wait), undici client. */
export const live = <A, E>(
  name: string,
  self: () => Effect.Effect<A, E, Scope.Scope | HttpClient.HttpClient>,
  timeout?: number
) => it.live(name, () => self().pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)), timeout)

/** Every secret a fake issued or knows. */
export const secretsOf = (fake: HubSpotFake.Fake): ReadonlyArray<string> => [
  fake.clientSecret,
  ...Object.values(fake.tokens).flatMap((t) => [t.accessToken, t.refreshToken])
]

/** A `ConnectionError` with an actionable message and resolution, and no secret anywhere in it. */
export const refusal = (fake: HubSpotFake.Fake, error: Errors.ConnectionError | undefined) => {
  expect(error?._tag).toBe("ConnectionError")
  expect(error!.message.length).toBeGreaterThan(20)
  expect(error!.resolution.length).toBeGreaterThan(20)
  for (const secret of secretsOf(fake)) {
    expect(JSON.stringify(error)).not.toContain(secret)
    expect(String(error)).not.toContain(secret)
    expect(error!.resolution).not.toContain(secret)
  }
  return error!
}

/** Requests the fake served for one path prefix. */
export const served = (fake: HubSpotFake.Fake, method: string, prefix: string) =>
  fake.requests.filter((r) => r.method === method && r.path.startsWith(prefix))

const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : typeof value === "object" && value !== null
    ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
    : value

/** What Weft fingerprints: the record without its volatile `remoteUpdatedAt`. */
export const fingerprint = (record: Record<string, unknown>): string => {
  const { remoteUpdatedAt: _, ...rest } = record
  return JSON.stringify(canonical(rest))
}

/** The state a full read leaves: id → fingerprint of every active record. */
export const known = (records: ReadonlyArray<Record<string, unknown>>) =>
  new Map(records.filter((r) => r["archived"] !== true).map((r) => [String(r["id"]), fingerprint(r)]))

/**
 * The record events a delta's pages amount to against `state` (a small
 * model of Weft's change detection: new, changed, inactive, removed).
 */
export const changesOf = (state: Map<string, string>, pages: ReadonlyArray<Connector.RecordPage>) => {
  const events: Array<{ type: string; recordId: string; reason?: string }> = []
  for (const page of pages) {
    for (const raw of page.records) {
      const record = raw as Record<string, unknown>
      const id = String(record["id"])
      const inactive = record["archived"] === true
      const print = fingerprint(record)
      if (!state.has(id)) {
        if (!inactive) events.push({ type: "record.new", recordId: id })
        if (!inactive) state.set(id, print)
      } else if (state.get(id) !== print) {
        if (inactive) {
          events.push({ type: "record.deleted", recordId: id, reason: "inactive" })
          state.delete(id)
        } else {
          events.push({ type: "record.changed", recordId: id })
          state.set(id, print)
        }
      }
    }
    for (const id of page.deleted ?? []) {
      if (state.delete(id)) events.push({ type: "record.deleted", recordId: id, reason: "removed" })
    }
  }
  return events
}

/** A recorded request's JSON body. */
export const bodyOf = (request: { readonly body: string }): unknown => JSON.parse(request.body)
