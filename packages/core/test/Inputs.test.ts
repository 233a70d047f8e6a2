import * as Util from "node:util"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { NoHttp, T0, testKeys } from "./support/harness.js"
import { employee, MemoryProvider } from "./support/MemoryProvider.js"
import * as RecordingSink from "./support/RecordingSink.js"
import { destination, weftLayer } from "./support/weft.js"

// The tests call the API the way a JavaScript host (or a mistyped one) can:
// with values its types would refuse.
type Loose<S> = {
  readonly [K in keyof S]: { readonly [M in keyof S[K]]: (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown> }
}
const loose = (weft: Weft.WeftService) => weft as unknown as Loose<Weft.WeftService>

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const CREDENTIAL = "tok-4f1c9a2e-very-secret-credential"

const provider = () => {
  const p = new MemoryProvider()
  p.employees.put(employee(1))
  return p
}

const withWeft = <A, E>(body: (weft: Weft.WeftService) => Effect.Effect<A, E, Weft.Weft>) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const sink = yield* RecordingSink.make
    return yield* Effect.provide(Effect.flatMap(Weft.Weft, body), weftLayer(provider().connector(), sink.layer))
  })

/** The typed failure of an effect; a defect (or success) fails the test. */
const failure = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.flatMap(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) return Effect.die(new Error("expected a failure, got a success"))
    const typed = Cause.failureOption(exit.cause)
    return typed._tag === "Some"
      ? Effect.succeed(typed.value)
      : Effect.die(new Error(`expected a typed failure, got a defect: ${Cause.pretty(exit.cause)}`))
  })

/** The InvalidInputError an effect fails with, checked to quote no secret. */
const invalid = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(failure(effect), (error) => {
    expect(error).toMatchObject({ _tag: "InvalidInputError" })
    expect(error).toBeInstanceOf(Error)
    const printed = [String(error), JSON.stringify(error), Util.inspect(error, { depth: 10 }), (error as Error).message]
    for (const text of printed) {
      expect(text).not.toContain(SECRET)
      expect(text).not.toContain(CREDENTIAL)
    }
    return error as unknown as { readonly _tag: "InvalidInputError"; readonly field: string; readonly detail: string; readonly message: string }
  })

describe("host API inputs are decoded at the boundary", () => {
  it.effect("7: connect with undefined input, a missing tenant or a numeric tenant is an InvalidInputError naming the path", () =>
    withWeft((weft) =>
      Effect.gen(function*() {
        const api = loose(weft)
        const none = yield* invalid(api.integrations.connect(undefined))
        expect(none.field).toBe("input")
        expect(none.detail).toMatch(/expected an object with connector, tenant and credentials, got undefined/)

        const missing = yield* invalid(api.integrations.connect({ connector: "memory", credentials: { token: CREDENTIAL } }))
        expect(missing.field).toBe("tenant")
        expect(missing.detail).toMatch(/got nothing/)
        expect(missing.message).toMatch(/^Invalid tenant: expected a tenant/)

        const numeric = yield* invalid(api.integrations.connect({ connector: "memory", tenant: 42, credentials: { token: CREDENTIAL } }))
        expect(numeric.field).toBe("tenant")
        expect(numeric.detail).toMatch(/got the number 42/)

        // Nothing was stored.
        expect(yield* weft.integrations.list()).toEqual([])
      })))

  it.effect("7: a tenant is 1 to 256 characters, not blank, with no control characters", () =>
    withWeft((weft) =>
      Effect.gen(function*() {
        const connect = (tenant: string) => weft.integrations.connect({ connector: "memory", tenant, credentials: { token: "good" } })
        for (const [tenant, got] of [["", "an empty string"], ["   ", "only whitespace"], ["a".repeat(257), "257 characters"], ["ac\nme", "control character at position 3"], ["ac\u0000me", "control character"]] as const) {
          const error = yield* invalid(connect(tenant))
          expect(error.field).toBe("tenant")
          expect(error.detail).toContain(got)
          expect(error.detail).toContain("1 to 256 characters")
        }
        const ok = yield* connect("a".repeat(256))
        expect(ok.integration.tenant).toHaveLength(256)
      })))

  it.effect("7: credentials stay unknown but must be present", () =>
    withWeft((weft) =>
      Effect.gen(function*() {
        const api = loose(weft)
        const missing = yield* invalid(api.integrations.connect({ connector: "memory", tenant: "acme" }))
        expect(missing.field).toBe("credentials")
        const nil = yield* invalid(api.integrations.connect({ connector: "memory", tenant: "acme", credentials: null }))
        expect(nil).toMatchObject({ field: "credentials" })
        expect(nil.detail).toMatch(/got null/)
        // Any other shape goes on to the connector's own schema.
        const shape = yield* failure(weft.integrations.connect({ connector: "memory", tenant: "acme", credentials: { tokn: CREDENTIAL } }))
        expect(shape._tag).toBe("InvalidCredentialsError")
        const reconnect = yield* invalid(api.integrations.reconnect("int_x"))
        expect(reconnect.field).toBe("credentials")
      })))

  it.effect("7: a bad nested value is named by its full path, and secrets are never echoed", () =>
    withWeft((weft) =>
      Effect.gen(function*() {
        const api = loose(weft)
        const base = { connector: "memory", tenant: "acme", credentials: { token: "good" } }
        const secret = yield* invalid(api.integrations.connect({ ...base, syncs: [{ destination: { url: destination.url, secrets: [SECRET, {}] } }] }))
        expect(secret.field).toBe("syncs[0].destination.secrets[1]")
        expect(secret.detail).toMatch(/expected a signing secret: a string such as "whsec_…" or a Redacted string, got an object/)

        const url = yield* invalid(api.integrations.connect({ ...base, syncs: [destination, { destination: { secrets: [SECRET] } }].map((d, i) => i === 0 ? { destination: d } : d) }))
        expect(url.field).toBe("syncs[1].destination.url")
        expect(url.detail).toMatch(/got nothing/)

        const concurrency = yield* invalid(api.integrations.connect({ ...base, syncs: [{ destination: { ...destination, maxConcurrency: 0 } }] }))
        expect(concurrency).toMatchObject({ field: "syncs[0].destination.maxConcurrency" })
        expect(concurrency.detail).toBe("expected an integer from 1 to 1024, got the number 0")

        const frequency = yield* invalid(api.integrations.connect({ ...base, syncs: [{ destination, frequency: "soon" }] }))
        expect(frequency.field).toBe("syncs[0].frequency")
        expect(frequency.detail).toMatch(/at least 1 second/)

        const model = yield* invalid(api.integrations.connect({ ...base, syncs: [{ destination, models: [{ model: 5 }] }] }))
        expect(model.field).toBe("syncs[0].models[0].model")

        const models = yield* invalid(api.integrations.connect({ ...base, syncs: [{ destination, models: [] }] }))
        expect(models.field).toBe("syncs[0].models")

        const dest = yield* invalid(api.integrations.connect({ ...base, syncs: [{ destination: 12 }] }))
        expect(dest.field).toBe("syncs[0].destination")
        expect(dest.detail).toMatch(/an existing destination id, or \{ url, secrets \}/)

        // A secret given where a string field was expected is described by its length only.
        const leaked = yield* invalid(api.integrations.connect({ ...base, tenant: `${SECRET}\n` }))
        expect(leaked.detail).toContain("control character")

        expect(yield* weft.integrations.list()).toEqual([])
        expect(yield* weft.destinations.list()).toEqual([])
      })))

  it.effect("7: Redacted secrets are accepted where they are today", () =>
    withWeft((weft) =>
      Effect.gen(function*() {
        const created = yield* weft.destinations.create({ url: destination.url, secrets: [Redacted.make(SECRET), SECRET] })
        expect(created.secretCount).toBe(2)
        yield* weft.destinations.setSecrets(created.id, [Redacted.make(SECRET)])
        const notString = yield* invalid(loose(weft).destinations.setSecrets(created.id, [Redacted.make(42)]))
        expect(notString.field).toBe("secrets[0]")
        const notArray = yield* invalid(loose(weft).destinations.setSecrets(created.id, SECRET))
        expect(notArray.field).toBe("secrets")
        expect(notArray.detail).toContain("a string of 38 characters")
      })))

  it.effect("7: destinations.create and syncs.create decode their input", () =>
    withWeft((weft) =>
      Effect.gen(function*() {
        const api = loose(weft)
        expect((yield* invalid(api.destinations.create(undefined))).field).toBe("input")
        expect((yield* invalid(api.destinations.create({ url: destination.url, secrets: [{}] }))).field).toBe("secrets[0]")
        expect((yield* invalid(api.destinations.create({ url: destination.url, secrets: [SECRET], maxConcurrency: 2000 }))).field).toBe("maxConcurrency")
        expect((yield* invalid(api.destinations.create({ url: destination.url, secrets: [SECRET], options: [] }))).field).toBe("options")
        const sync = yield* invalid(api.syncs.create({ destination }))
        expect(sync.field).toBe("integrationId")
        expect((yield* invalid(api.syncs.create({ integrationId: "int_x", destination, paused: "yes" }))).field).toBe("paused")
        expect((yield* invalid(api.syncs.create({ integrationId: "int_x", destination, includeInactive: 1 }))).field).toBe("includeInactive")
      })))

  it.effect("7: ids, queries, trigger and resync options, replay selectors and events.list queries are decoded", () =>
    withWeft((weft) =>
      Effect.gen(function*() {
        const api = loose(weft)
        for (const get of [api.integrations.get, api.destinations.get, api.syncs.get, api.runs.get, api.syncs.pause, api.syncs.resume, api.syncs.delete, api.integrations.disconnect, api.destinations.enable]) {
          const error = yield* invalid(get(undefined))
          expect(error.field).toBe("id")
          expect(error.detail).toMatch(/expected an id such as "syn_…" \(1 to 256 characters, no control characters\), got undefined/)
        }
        expect((yield* invalid(api.destinations.disable("dst_x", 5))).field).toBe("reason")
        expect((yield* invalid(api.integrations.list({ tenant: 1 }))).field).toBe("tenant")
        expect((yield* invalid(api.integrations.list("acme"))).field).toBe("query")
        expect((yield* invalid(api.syncs.list({ integrationId: "" }))).field).toBe("integrationId")
        expect((yield* invalid(api.runs.list({ limit: 0 }))).field).toBe("limit")
        expect((yield* invalid(api.runs.list({ limit: 1.5 }))).detail).toBe("expected a whole number of at least 1, got the number 1.5")
        const status = yield* invalid(api.runs.list({ status: "done" }))
        expect(status.field).toBe("status")
        expect(status.detail).toBe("expected a run status (\"running\", \"succeeded\", \"partial\", \"failed\", \"cancelled\"), got a string of 4 characters")
        expect((yield* invalid(api.runs.list({ before: "" }))).field).toBe("before")
        expect((yield* invalid(api.runs.list({ before: 7 }))).field).toBe("before")
        expect(yield* api.runs.list({ status: "failed", before: undefined })).toEqual([])
        expect((yield* invalid(api.events.attempts(undefined))).field).toBe("eventId")

        const trigger = yield* invalid(api.syncs.trigger("syn_x", { type: "full" }))
        expect(trigger.field).toBe("options.type")
        expect(trigger.detail).toBe("expected \"delta\" or \"manual\", got a string of 4 characters")
        expect((yield* invalid(api.syncs.triggerAndWait("syn_x", { confirmDeletes: "yes" }))).field).toBe("options.confirmDeletes")
        expect((yield* invalid(api.syncs.trigger(7))).field).toBe("id")

        expect((yield* invalid(api.syncs.resyncRecord("syn_x", "hris.employee", 2))).field).toBe("recordId")
        expect((yield* invalid(api.syncs.resyncRecord("syn_x", undefined, "2"))).field).toBe("model")
        expect((yield* invalid(api.syncs.resyncRecord("syn_x", "hris.employee", "2", { force: "yes" }))).field).toBe("options.force")

        expect((yield* invalid(api.events.list(undefined))).field).toBe("query")
        expect((yield* invalid(api.events.list({ status: "done" }))).field).toBe("status")
        expect((yield* invalid(api.events.list({ type: "record.updated" }))).detail).toContain("\"record.changed\"")
        expect((yield* invalid(api.events.list({ from: Number.NaN }))).field).toBe("from")
        expect((yield* invalid(api.events.list({ limit: -1 }))).field).toBe("limit")
        // Undefined fields mean "not given".
        expect(yield* api.events.list({ runId: undefined, limit: undefined })).toEqual([])

        const replay = yield* invalid(api.events.replay({ eventId: 5 }))
        expect(replay.field).toBe("eventId")
        expect((yield* invalid(api.events.replay({ eventIds: ["evt_1", null] }))).field).toBe("eventIds[1]")
        expect((yield* invalid(api.events.replay({ from: 0, to: "later" }))).field).toBe("to")
        const none = yield* invalid(api.events.replay({}))
        expect(none.field).toBe("selector")
        expect(none.detail).toContain("{ eventId }, { eventIds }, { runId } or { from, to, syncId? }")
        expect((yield* invalid(api.events.replay(undefined))).field).toBe("selector")

        expect((yield* invalid(api.integrations.request("int_x", { url: "https://example.com" }))).field).toBe("request")
      })))

  it.effect("7: Weft.layer decodes its options when the layer is built", () =>
    Effect.gen(function*() {
      const sink = yield* RecordingSink.make
      const build = (options: unknown) =>
        failure(
          Layer.build(
            Weft.layer(options as Weft.WeftOptions).pipe(
              Layer.provide([StoreMemory.layer, sink.layer, Vault.layer(testKeys), NoHttp])
            )
          ).pipe(Effect.scoped)
        )
      const connector = provider().connector()
      const noConnectors = yield* build({})
      expect(noConnectors).toMatchObject({ _tag: "InvalidInputError", field: "connectors" })
      const twice = yield* build({ connectors: [connector, connector] })
      expect(twice).toMatchObject({ _tag: "InvalidInputError", field: "connectors" })
      expect((twice as { detail: string }).detail).toContain("two connectors with the id \"memory\"")
      const syncs = yield* build({ connectors: [connector], syncs: { memory: [{ destination: { url: destination.url, secrets: [SECRET, 1] } }] } })
      expect(syncs).toMatchObject({ _tag: "InvalidInputError", field: "syncs.memory[0].destination.secrets[1]" })
      const retention = yield* build({ connectors: [connector], retention: "a week" })
      expect(retention).toMatchObject({ _tag: "InvalidInputError", field: "retention" })
    }))
})
