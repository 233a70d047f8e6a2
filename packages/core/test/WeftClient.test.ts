import * as Util from "node:util"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { WeftClient } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { NoHttp, testKeys } from "./support/harness.js"
import { employee, MemoryProvider } from "./support/MemoryProvider.js"
import * as RecordingSink from "./support/RecordingSink.js"
import { destination } from "./support/weft.js"

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

const connector = () => {
  const provider = new MemoryProvider()
  provider.employees.put(employee(1))
  return provider.connector()
}

// Typed loosely on purpose: the tests pass what the option types would refuse.
const options = (sink: unknown, overrides: Record<string, unknown> = {}) =>
  ({ connectors: [connector()], store: StoreMemory.layer, sink, http: NoHttp, vault: testKeys, ...overrides }) as never

/** What `f` throws (it must throw). */
const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected a throw")
}

const noSecret = (error: unknown) => {
  for (const text of [String(error), JSON.stringify(error), Util.inspect(error, { depth: 10 })]) {
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain(Redacted.value(testKeys.current.key as Redacted.Redacted<string>))
  }
}

/** Runs `body` with a started client, disposing it after. */
const withClient = (body: (weft: WeftClient.WeftClient) => Promise<void>) =>
  Effect.promise(async () => {
    const sink = await Effect.runPromise(RecordingSink.make)
    const weft = WeftClient.make(options(sink.layer))
    try {
      await body(weft)
    } finally {
      await weft.dispose()
    }
  })

describe("WeftClient checks its inputs", () => {
  it.effect("7: make with vault undefined throws an InvalidInputError naming vault, not a later TypeError", () =>
    Effect.gen(function*() {
      const sink = yield* RecordingSink.make
      const error = thrown(() => WeftClient.make(options(sink.layer, { vault: undefined })))
      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ _tag: "InvalidInputError", field: "vault" })
      expect((error as Error).message).toMatch(/^Invalid vault: expected vault keys \{ current: \{ id, key \}, previous\? \} or a Vault layer/)
      expect((error as Error).message).toMatch(/got undefined$/)
      expect(WeftClient.isError(error, "InvalidInputError")).toBe(true)

      expect(thrown(() => WeftClient.make(undefined as never))).toMatchObject({ _tag: "InvalidInputError", field: "options" })
      expect(thrown(() => WeftClient.make(options(sink.layer, { store: {} })))).toMatchObject({ field: "store" })
      expect(thrown(() => WeftClient.make(options(sink.layer, { connectors: "memory" })))).toMatchObject({ field: "connectors" })
      expect(thrown(() => WeftClient.make(options(sink.layer, { vault: { current: { id: "k1" } } })))).toMatchObject({ field: "vault.current.key" })
    }))

  it.effect("7: make with secrets: [{}] in its sync options throws an InvalidInputError naming the path", () =>
    Effect.gen(function*() {
      const sink = yield* RecordingSink.make
      const error = thrown(() =>
        WeftClient.make(options(sink.layer, { syncs: { memory: [{ destination: { url: destination.url, secrets: [SECRET, {}] } }] } }))
      )
      expect(error).toMatchObject({ _tag: "InvalidInputError", field: "syncs.memory[0].destination.secrets[1]" })
      noSecret(error)
    }))

  it.effect("7: make with an unusable inline vault key throws a VaultKeyError, never quoting the key", () =>
    Effect.gen(function*() {
      const sink = yield* RecordingSink.make
      const short = Buffer.alloc(31, 3).toString("base64")
      const error = thrown(() => WeftClient.make(options(sink.layer, { vault: { current: { id: "k1", key: Redacted.make(short) } } })))
      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ _tag: "VaultKeyError", keyId: "k1" })
      expect(WeftClient.isError(error, "VaultKeyError")).toBe(true)
      expect(JSON.stringify(error)).not.toContain(short)
      expect((error as Error).message).not.toContain(short)
    }))

  it.live("7: a bad argument rejects with the typed InvalidInputError that isError recognises", () =>
    withClient(async (weft) => {
      const api = weft as unknown as Record<string, Record<string, (...args: ReadonlyArray<unknown>) => Promise<unknown>>>
      const none = await api.integrations.connect(undefined).catch((e: unknown) => e)
      expect(none).toMatchObject({ _tag: "InvalidInputError", field: "input" })
      expect(none).not.toBeInstanceOf(TypeError)
      expect(WeftClient.isError(none, "InvalidInputError") && none.field).toBe("input")

      const tenant = await api.integrations.connect({ connector: "memory", tenant: 7, credentials: { token: "good" } }).catch((e: unknown) => e)
      expect(tenant).toMatchObject({ _tag: "InvalidInputError", field: "tenant" })

      const secret = await api.destinations.create({ url: destination.url, secrets: [SECRET, {}] }).catch((e: unknown) => e)
      expect(secret).toMatchObject({ _tag: "InvalidInputError", field: "secrets[1]" })
      noSecret(secret)

      const trigger = await api.syncs.trigger("syn_x", { type: "everything" }).catch((e: unknown) => e)
      expect(WeftClient.isError(trigger, "InvalidInputError") && trigger.field).toBe("options.type")

      // Good input still works, Redacted secrets included.
      const created = await weft.destinations.create({ url: destination.url, secrets: [Redacted.make(SECRET)] })
      expect(created.secretCount).toBe(1)
      // Only the API's operations exist on the facade.
      expect(api.integrations.then).toBeUndefined()
    }))

  it.live("8: with WEFT_VAULT_KEYS unset, a config vault fails at start: ready() rejects with the VaultConfigError", () =>
    Effect.promise(async () => {
      const sink = await Effect.runPromise(RecordingSink.make)
      const vault = Vault.layerConfig().pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map()))))
      const weft = WeftClient.make(options(sink.layer, { vault }))
      try {
        const error = await weft.ready().then(() => undefined, (e: unknown) => e)
        expect(error).toBeInstanceOf(Error)
        expect(WeftClient.isError(error, "VaultConfigError")).toBe(true)
        expect(error).toMatchObject({ _tag: "VaultConfigError", variable: "WEFT_VAULT_KEYS", reason: "missing" })
        expect((error as Error).message).toContain("randomBytes(32)")
        // A call rejects with the same typed error.
        const call = await weft.integrations.list().catch((e: unknown) => e)
        expect(call).toMatchObject({ _tag: "VaultConfigError" })
      } finally {
        await weft.dispose()
      }
    }))

  it.live("ready() resolves once Weft runs", () => withClient((weft) => weft.ready()))
})
