import * as Crypto from "node:crypto"
import * as Util from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Vault } from "@weft/core"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"

const k1 = Vault.generateKey()
const k2 = Vault.generateKey()
const secretTexts = () => [Redacted.value(k1), Redacted.value(k2)]

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString()
const bytes = (s: string) => new Uint8Array(Buffer.from(s))

const vaultWith = (keys: Vault.VaultKeys) => Vault.Vault.pipe(Effect.provide(Vault.layer(keys)))
const v1 = { current: { id: "k1", key: k1 } }

const failureOf = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) throw new Error("expected a failure")
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "None") throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
    return failure.value
  })

describe("Vault", () => {
  it.effect("seal/open round-trips bytes, with and without associated data", () =>
    Effect.gen(function*() {
      const vault = yield* vaultWith(v1)
      for (const plaintext of ["", "hello", "é€😀", "x".repeat(100_000)]) {
        expect(text(yield* vault.open(vault.seal(bytes(plaintext))))).toBe(plaintext)
        expect(text(yield* vault.open(vault.seal(bytes(plaintext), "row-1"), "row-1"))).toBe(plaintext)
      }
      // Each seal uses a fresh nonce.
      const a = vault.seal(bytes("same"))
      const b = vault.seal(bytes("same"))
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false)
      // The plaintext is not visible in the ciphertext.
      expect(Buffer.from(vault.seal(bytes("needle-needle-needle"))).includes("needle")).toBe(false)
      expect(vault.currentKeyId).toBe("k1")
    }))

  it.effect("ciphertexts sealed by earlier versions still open, and new ones keep their layout", () =>
    Effect.gen(function*() {
      const key = Buffer.alloc(32, 7).toString("base64")
      const vault = yield* vaultWith({ current: { id: "k1", key } })
      const earlier = (b64: string) => new Uint8Array(Buffer.from(b64, "base64"))
      const opened = yield* vault.open(earlier("AQJrMS8IzI3IzWM9b1Y/w6jslpLmG3KzrP2lYChlpaB+4p5WoTarJvs+XXVlR8m4aidisD0="), "evt_1")
      expect(text(opened)).toBe("héllo, sealed before")
      expect(opened).toBeInstanceOf(Uint8Array)
      expect(Buffer.isBuffer(opened)).toBe(false)
      expect([...(yield* vault.open(earlier("AQJrMZNQCo2fcW7BUJl+prqKymIivuRhnXB9EooIrCnM3I8=")))]).toEqual([1, 2, 3])
      expect(yield* vault.openJson(earlier("AQJrMQu4D6f2wBIr6GYlGGj5NCCOT5z9SR9C5Z94JwAwtJwJqN8fXblZo2G/Pw=="), "dst_1")).toEqual({ a: [1, "é"] })
      // Version, key id length, key id, 12-byte nonce, 16-byte tag, then the body as long as the plaintext.
      const sealed = vault.seal("héllo", "evt_2")
      expect([...sealed.subarray(0, 4)]).toEqual([1, 2, 0x6b, 0x31])
      expect(sealed.length).toBe(4 + 12 + 16 + Buffer.byteLength("héllo"))
      const iv = sealed.subarray(4, 16)
      const decipher = Crypto.createDecipheriv("aes-256-gcm", Buffer.from(key, "base64"), iv)
      decipher.setAuthTag(sealed.subarray(16, 32))
      decipher.setAAD(Buffer.concat([Buffer.from(sealed.subarray(0, 4)), Buffer.from("evt_2")]))
      expect(Buffer.concat([decipher.update(sealed.subarray(32)), decipher.final()]).toString()).toBe("héllo")
    }))

  it.effect("sealJson/openJson round-trip JSON values", () =>
    Effect.gen(function*() {
      const vault = yield* vaultWith(v1)
      const value = { id: "42", nested: { list: [1, "two", null, true] }, unicode: "ü" }
      expect(yield* vault.openJson(vault.sealJson(value, "evt_1"), "evt_1")).toEqual(value)
      expect(yield* vault.openJson(vault.sealJson(null))).toBeNull()
      const notJson = yield* failureOf(vault.openJson(vault.seal(bytes("{not json"))))
      expect(notJson).toMatchObject({ _tag: "VaultError", reason: "malformed" })
    }))

  it.effect("rotation: data sealed with k1 opens after rotating to k2, new data is sealed with k2", () =>
    Effect.gen(function*() {
      const before = yield* vaultWith(v1)
      const old = before.sealJson({ n: 1 }, "row")
      const after = yield* vaultWith({ current: { id: "k2", key: k2 }, previous: [{ id: "k1", key: k1 }] })
      expect(after.currentKeyId).toBe("k2")
      expect(yield* after.openJson(old, "row")).toEqual({ n: 1 })
      const fresh = after.sealJson({ n: 2 })
      // A vault holding only k2 opens the new data but not the old.
      const onlyK2 = yield* vaultWith({ current: { id: "k2", key: k2 } })
      expect(yield* onlyK2.openJson(fresh)).toEqual({ n: 2 })
      expect(yield* failureOf(onlyK2.open(old, "row"))).toMatchObject({ reason: "unknown_key", keyId: "k1" })
      // …and the old vault cannot open the new data.
      expect(yield* failureOf(before.open(fresh))).toMatchObject({ reason: "unknown_key", keyId: "k2" })
    }))

  it.effect("an unknown key id is a VaultError unknown_key that says what to do", () =>
    Effect.gen(function*() {
      const sealed = (yield* vaultWith({ current: { id: "old-key", key: k1 } })).seal(bytes("x"))
      const error = yield* failureOf((yield* vaultWith({ current: { id: "k2", key: k2 } })).open(sealed))
      expect(error._tag).toBe("VaultError")
      expect(error.reason).toBe("unknown_key")
      expect(error.keyId).toBe("old-key")
      expect(error.message).toContain(`"old-key"`)
      expect(error.message).toContain("previous keys")
    }))

  it.effect("any flipped byte is detected: tampered, or unknown_key/malformed for the header", () =>
    Effect.gen(function*() {
      const vault = yield* vaultWith(v1)
      const sealed = vault.seal(bytes("the quick brown fox"), "row-7")
      const headerLength = 2 + "k1".length
      for (let i = 0; i < sealed.length; i++) {
        const copy = Uint8Array.from(sealed)
        copy[i] = copy[i]! ^ 0x01
        const error = yield* failureOf(vault.open(copy, "row-7"))
        const expected = i === 0 ? "malformed" : i < headerLength ? ["malformed", "unknown_key"] : "tampered"
        if (Array.isArray(expected)) expect(expected).toContain(error.reason)
        else expect(error.reason).toBe(expected)
      }
      // A truncated ciphertext is tampered (body) or malformed (header).
      expect((yield* failureOf(vault.open(sealed.subarray(0, sealed.length - 1), "row-7"))).reason).toBe("tampered")
      expect((yield* failureOf(vault.open(sealed.subarray(0, headerLength + 10), "row-7"))).reason).toBe("malformed")
    }))

  it.effect("a key id rewritten to another key's id is tampered, not silently opened", () =>
    Effect.gen(function*() {
      const vault = yield* vaultWith({ current: { id: "ka", key: k1 }, previous: [{ id: "kb", key: k1 }] })
      const sealed = Uint8Array.from(vault.seal(bytes("x")))
      sealed[3] = "b".charCodeAt(0)
      expect((yield* failureOf(vault.open(sealed))).reason).toBe("tampered")
    }))

  it.effect("associated data must match: tampered otherwise", () =>
    Effect.gen(function*() {
      const vault = yield* vaultWith(v1)
      const sealed = vault.seal(bytes("secret"), "row-1")
      expect((yield* failureOf(vault.open(sealed, "row-2"))).reason).toBe("tampered")
      expect((yield* failureOf(vault.open(sealed))).reason).toBe("tampered")
      expect((yield* failureOf(vault.open(vault.seal(bytes("x")), "row-1"))).reason).toBe("tampered")
      const error = yield* failureOf(vault.openJson(vault.sealJson({ a: 1 }, "a"), "b"))
      expect(error).toMatchObject({ _tag: "VaultError", reason: "tampered", keyId: "k1" })
    }))

  it.effect("garbage is malformed", () =>
    Effect.gen(function*() {
      const vault = yield* vaultWith(v1)
      for (const garbage of [new Uint8Array(0), new Uint8Array([1]), bytes("hello, world"), new Uint8Array(64)]) {
        const error = yield* failureOf(vault.open(garbage))
        expect(error.reason).toBe("malformed")
        expect(error.message).toBe("Value is not a Weft vault ciphertext.")
      }
    }))

  describe("bad keys fail the layer with a VaultKeyError", () => {
    const build = (keys: Vault.VaultKeys) => failureOf(Layer.build(Vault.layer(keys)).pipe(Effect.scoped))
    it.effect("not base64", () =>
      Effect.gen(function*() {
        const error = yield* build({ current: { id: "k1", key: Redacted.make("not base64!!") } })
        expect(error).toMatchObject({ _tag: "VaultKeyError", keyId: "k1" })
        expect(error.message).toContain("not base64")
        expect(error.message).not.toContain("not base64!!")
      }))
    it.effect("31 bytes", () =>
      Effect.gen(function*() {
        const short = Buffer.alloc(31, 7).toString("base64")
        const error = yield* build({ current: { id: "k1", key: k1 }, previous: [{ id: "k0", key: Redacted.make(short) }] })
        expect(error).toMatchObject({ _tag: "VaultKeyError", keyId: "k0" })
        expect(error.message).toContain("31 bytes, not 32")
        expect(error.message).not.toContain(short)
      }))
    it.effect("a duplicate id", () =>
      Effect.gen(function*() {
        const error = yield* build({ current: { id: "k1", key: k1 }, previous: [{ id: "k1", key: k2 }] })
        expect(error).toMatchObject({ _tag: "VaultKeyError", keyId: "k1" })
        expect(error.message).toContain("listed twice")
      }))
    it.effect("a key given as the id is not quoted", () =>
      Effect.gen(function*() {
        const error = yield* build({ current: { id: Redacted.value(k1), key: "k1" } })
        expect(error).toMatchObject({ _tag: "VaultKeyError", keyId: "current" })
        expect(error.message).toContain("are id and key swapped?")
        for (const text of [error.message, JSON.stringify(error)]) expect(text).not.toContain(Redacted.value(k1).slice(0, 12))
      }))
    it.effect("keys that are not { id, key } are a VaultKeyError, not a defect", () =>
      Effect.gen(function*() {
        expect(yield* build(undefined as never)).toMatchObject({ _tag: "VaultKeyError", keyId: "current" })
        expect(yield* build({ current: { id: "k1", key: k1 }, previous: [{ id: "k0" }] } as never)).toMatchObject({ _tag: "VaultKeyError", keyId: "previous[0]" })
      }))
    it.effect("an empty id", () =>
      Effect.gen(function*() {
        const error = yield* build({ current: { id: "", key: k1 } })
        expect(error.message).toContain("1 to 255 bytes")
      }))
  })

  describe("layerConfig", () => {
    const fromMap = (value: string | undefined) =>
      Layer.setConfigProvider(
        ConfigProvider.fromMap(new Map(value === undefined ? [] : [["WEFT_VAULT_KEYS", value]]))
      )
    const vaultFrom = (value: string | undefined) =>
      Vault.Vault.pipe(Effect.provide(Vault.layerConfig().pipe(Layer.provide(fromMap(value)))))

    it.effect("reads id:key pairs, current first", () =>
      Effect.gen(function*() {
        const old = (yield* vaultWith(v1)).seal(bytes("old"))
        const vault = yield* vaultFrom(`k2:${Redacted.value(k2)}, k1:${Redacted.value(k1)}`)
        expect(vault.currentKeyId).toBe("k2")
        expect(text(yield* vault.open(old))).toBe("old")
      }))

    it.effect("reads another config key when given one", () =>
      Effect.gen(function*() {
        const vault = yield* Vault.Vault.pipe(
          Effect.provide(
            Vault.layerConfig(Config.redacted("KEYS")).pipe(
              Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["KEYS", `a:${Redacted.value(k1)}`]]))))
            )
          )
        )
        expect(vault.currentKeyId).toBe("a")
      }))

    it.effect("reads another variable when given its name", () =>
      Effect.gen(function*() {
        const vault = yield* Vault.Vault.pipe(
          Effect.provide(
            Vault.layerConfig("APP_KEYS").pipe(
              Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["APP_KEYS", `a:${Redacted.value(k1)}`]]))))
            )
          )
        )
        expect(vault.currentKeyId).toBe("a")
      }))

    it.effect("8: WEFT_VAULT_KEYS unset fails the layer build with a VaultConfigError naming the variable, its format and how to generate a key", () =>
      Effect.gen(function*() {
        // Building the layer, not using the vault, is what fails.
        const error = yield* failureOf(Layer.build(Vault.layerConfig().pipe(Layer.provide(fromMap(undefined)))).pipe(Effect.scoped))
        expect(error).toBeInstanceOf(Error)
        expect(error).toMatchObject({ _tag: "VaultConfigError", variable: "WEFT_VAULT_KEYS", reason: "missing" })
        const message = (error as Error).message
        expect(message).not.toBe("<redacted>")
        expect(message).toMatch(/^WEFT_VAULT_KEYS is not set\. /)
        expect(message).toContain("id:base64key")
        expect(message).toContain("comma-separated, the current key first")
        expect(message).toContain("32 random bytes in base64")
        expect(message).toContain("node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"")
        // The suggested command makes a key the vault accepts.
        const generated = Crypto.randomBytes(32).toString("base64")
        expect((yield* vaultFrom(`k1:${generated}`)).currentKeyId).toBe("k1")
        // A Config of the host's own is named by its path.
        const custom = yield* failureOf(
          Vault.Vault.pipe(Effect.provide(Vault.layerConfig(Config.redacted("APP_VAULT_KEYS")).pipe(Layer.provide(fromMap(undefined)))))
        )
        expect(custom).toMatchObject({ _tag: "VaultConfigError", variable: "APP_VAULT_KEYS", reason: "missing" })
      }))

    it.effect("8: a malformed WEFT_VAULT_KEYS says which entry and which part is wrong, never quoting key material", () =>
      Effect.gen(function*() {
        const raw = Redacted.value(k1)
        const raw2 = Redacted.value(k2)
        const short = Buffer.alloc(31, 9).toString("base64")
        const cases: ReadonlyArray<readonly [string, string]> = [
          ["", "it is empty"],
          ["   ", "it is empty"],
          [raw, "entry 1 has no \":\" between the key id and the key"],
          [`k1:${raw},${raw2}`, "entry 2 has no \":\" between the key id and the key"],
          [`k1:${raw},`, "entry 2 is empty (a stray comma?)"],
          [`:${raw}`, "entry 1 has no key id before the \":\""],
          ["k1:", "entry 1 (key id \"k1\") has no key after the \":\""],
          [`k1:${raw},k0:${short}`, "the key of entry 2 (key id \"k0\") is unusable: it decodes to 31 bytes, not 32"],
          [`k1:${raw.slice(0, 20)}!${raw.slice(21)}`, "the key of entry 1 (key id \"k1\") is unusable: it is not base64"],
          [`k1:${raw},k1:${raw2}`, "entries 1 and 2 have the same key id \"k1\""],
          // The key and the id swapped: the "id" is key material and is not quoted.
          [`${raw}:k1`, "the key of entry 1 (its 44-character key id is not shown: is the entry written key:id?) is unusable"]
        ]
        for (const [value, detail] of cases) {
          const error = yield* failureOf(vaultFrom(value))
          expect(error).toBeInstanceOf(Error)
          expect(error).toMatchObject({ _tag: "VaultConfigError", variable: "WEFT_VAULT_KEYS", reason: "malformed" })
          const message = (error as Error).message
          expect(message).toContain(`WEFT_VAULT_KEYS is malformed: ${detail}`)
          expect(message).toContain("randomBytes(32)")
          for (const secret of [...secretTexts(), short]) {
            for (const text of [message, String(error), JSON.stringify(error), Util.inspect(error, { depth: 10 })]) {
              expect(text).not.toContain(secret)
              expect(text).not.toContain(secret.slice(0, 12))
              expect(text).not.toContain(secret.slice(-12))
            }
          }
        }
      }))
  })

  describe("secrets never leak", () => {
    const keys: Vault.VaultKeys = { current: { id: "k2", key: k2 }, previous: [{ id: "k1", key: k1 }] }
    const assertClean = (output: string) => {
      for (const secret of secretTexts()) expect(output).not.toContain(secret)
    }

    it("String, JSON.stringify and util.inspect of keys print <redacted>", () => {
      expect(String(k1)).toBe("<redacted>")
      expect(`${k1}`).toBe("<redacted>")
      expect(JSON.stringify(k1)).toBe('"<redacted>"')
      assertClean(JSON.stringify(keys))
      assertClean(Util.inspect(keys, { depth: 10 }))
      assertClean(Util.inspect(k1))
      expect(JSON.stringify(keys)).toContain("<redacted>")
    })

    it.effect("the vault service itself holds no printable key", () =>
      Effect.gen(function*() {
        const vault = yield* vaultWith(keys)
        assertClean(Util.inspect(vault, { depth: 10, showHidden: true }))
        assertClean(JSON.stringify(vault))
      }))

    it.effect("Effect.log of a struct holding a key prints <redacted> with every logger", () =>
      Effect.gen(function*() {
        const lines: Array<string> = []
        const capture = <M>(logger: Logger.Logger<unknown, M>) =>
          Logger.add(Logger.map(logger, (out) => {
            lines.push(typeof out === "string" ? out : Util.inspect(out, { depth: 10 }))
          }))
        yield* Effect.log("vault configured", { keys, apiKey: k1 }).pipe(
          Effect.annotateLogs("key", k2),
          Effect.provide(Layer.mergeAll(
            capture(Logger.stringLogger),
            capture(Logger.logfmtLogger),
            capture(Logger.jsonLogger),
            capture(Logger.structuredLogger)
          ))
        )
        expect(lines).toHaveLength(4)
        for (const line of lines) {
          assertClean(line)
          expect(line).toContain("redacted")
        }
      }))

    it.effect("VaultError and VaultKeyError carry no key material", () =>
      Effect.gen(function*() {
        const vault = yield* vaultWith(keys)
        const sealed = Uint8Array.from(vault.seal(bytes("x")))
        sealed[sealed.length - 1] = sealed[sealed.length - 1]! ^ 1
        const errors: Array<unknown> = [
          yield* failureOf(vault.open(sealed)),
          yield* failureOf(vault.open(bytes("garbage"))),
          yield* failureOf(Layer.build(Vault.layer({ current: { id: "k1", key: Redacted.make(Redacted.value(k1).slice(1)) } })).pipe(Effect.scoped))
        ]
        for (const error of errors) {
          assertClean(String(error))
          assertClean(JSON.stringify(error))
          assertClean(Util.inspect(error, { depth: 10 }))
          assertClean((error as Error).message)
          assertClean((error as Error).message.replace(/\s/g, ""))
        }
        // A truncated key's remainder is not echoed either.
        expect(String(errors[2])).not.toContain(Redacted.value(k1).slice(1, 10))
      }))
  })
})
