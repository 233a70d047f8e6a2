import type * as HttpClient from "@effect/platform/HttpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { expect, it } from "@effect/vitest"
import { Greenhouse } from "@weft/connectors"
import { Connector, type Errors } from "@weft/core/connector"
import type { Model } from "@weft/core/models"
import { GreenhouseFake } from "@weft/testing"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/** Shared set-up of the Greenhouse connector tests: a fake organisation and a connector context on it. */

export type ModelName = "ats.candidate" | "ats.application" | "ats.job"

export interface Setup {
  readonly fake?: GreenhouseFake.Options
  readonly connector?: Greenhouse.Options
  readonly apiKey?: (keys: GreenhouseFake.Keys) => string
}

export const setup = (options: Setup = {}) =>
  Effect.gen(function*() {
    const fake = yield* GreenhouseFake.scoped({ size: 240, seed: 11, ...options.fake })
    const connector = Greenhouse.connector({
      baseUrl: fake.url,
      pageSize: 100,
      retry: { baseDelay: "10 millis", maxDelay: "50 millis" },
      ...options.connector
    })
    const credentials = yield* connector.credentials.decode({ apiKey: (options.apiKey ?? ((k) => k.full))(fake.keys) })
    const context = yield* Connector.makeContext(connector, { integrationId: "int_gh", tenant: "acme", credentials })
    return { fake, connector, context }
  })

export type Env = Effect.Effect.Success<ReturnType<typeof setup>>

export const reader = (connector: Connector.Connector<Greenhouse.Credentials>, model: ModelName) => {
  const found = Connector.readerFor(connector, model)
  if (found === undefined) throw new Error(`no reader for ${model}`)
  return found
}

export const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

/** Every page of a full read. */
export const readAll = (env: Env, model: ModelName) => collect(reader(env.connector, model).readAll(env.context))

/** Every page of a delta read. */
export const readChanges = (env: Env, model: ModelName, cursor: string) =>
  collect(reader(env.connector, model).readChanges!(env.context, cursor))

export const records = (pages: ReadonlyArray<Connector.RecordPage>): ReadonlyArray<Record<string, unknown>> =>
  pages.flatMap((p) => p.records as ReadonlyArray<Record<string, unknown>>)

export const cursorOf = (pages: ReadonlyArray<Connector.RecordPage>): string => {
  const last = pages[pages.length - 1]
  expect(last?.cursor).toBeTypeOf("string")
  // Only the closing page carries the cursor.
  expect(pages.slice(0, -1).every((p) => p.cursor === undefined)).toBe(true)
  return last!.cursor!
}

/** Decodes with the model, failing the test on an invalid record. */
export const decodeAll = <A extends { readonly id: string }>(model: Model.Model<A>, raws: ReadonlyArray<unknown>): ReadonlyArray<A> =>
  raws.map((raw) => {
    const decoded = model.decode(raw)
    if (Either.isLeft(decoded)) throw new Error(`invalid ${model.name}: ${JSON.stringify(raw)}\n${decoded.left.message}`)
    return decoded.right
  })

export const live = <A, E>(
  name: string,
  self: () => Effect.Effect<A, E, Scope.Scope | HttpClient.HttpClient>,
  timeout?: number
) => it.live(name, () => self().pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)), timeout)

/** A refusal must say what is wrong and what to do, and never quote a key. */
export const refusal = (error: Errors.ConnectionError, keys: GreenhouseFake.Keys) => {
  expect(error._tag).toBe("ConnectionError")
  expect(error.message.length).toBeGreaterThan(20)
  expect(error.resolution.length).toBeGreaterThan(20)
  for (const key of Object.values(keys)) {
    for (const text of [error.message, error.resolution, JSON.stringify(error), String(error)]) expect(text).not.toContain(key)
  }
  return error
}

export const basicFor = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`
