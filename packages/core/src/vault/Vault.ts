import * as Crypto from "node:crypto"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * AES-256-GCM encryption for what Weft keeps that is secret or personal:
 * integration credentials and outbox payloads. Keys carry an id so they can
 * rotate: new data is sealed with the current key, old data opens with any
 * key still listed.
 *
 * @since 0.1.0
 */

/**
 * One encryption key: an id (stored beside each ciphertext) and 32 random
 * bytes, base64-encoded.
 *
 * @since 0.1.0
 * @category models
 */
export interface VaultKey {
  readonly id: string
  /** Base64 of 32 random bytes; a plain string is accepted for hosts that do not use Effect's `Redacted`. */
  readonly key: Redacted.Redacted<string> | string
}

/**
 * The keys of a vault: `current` seals, every key opens.
 *
 * @since 0.1.0
 * @category models
 */
export interface VaultKeys {
  readonly current: VaultKey
  readonly previous?: ReadonlyArray<VaultKey> | undefined
}

/**
 * A ciphertext could not be opened.
 *
 * - `unknown_key`: sealed with a key id this vault does not hold (add the old
 *   key to `previous`);
 * - `tampered`: the bytes or their associated data were altered, or the key
 *   under that id is not the one that sealed them;
 * - `malformed`: not a Weft ciphertext at all.
 *
 * @since 0.1.0
 * @category errors
 */
export class VaultError extends Schema.TaggedError<VaultError>()("VaultError", {
  reason: Schema.Literal("unknown_key", "tampered", "malformed"),
  keyId: Schema.optional(Schema.String)
}) {
  override get message(): string {
    switch (this.reason) {
      case "unknown_key":
        return `Ciphertext was sealed with vault key "${this.keyId}", which this vault does not hold. Add that key to the vault's previous keys.`
      case "tampered":
        return `Ciphertext sealed with vault key "${this.keyId}" failed authentication: it was altered, or the key under that id changed.`
      case "malformed":
        return "Value is not a Weft vault ciphertext."
    }
  }
}

/**
 * A vault key is unusable (wrong length, not base64, duplicate id).
 *
 * @since 0.1.0
 * @category errors
 */
export class VaultKeyError extends Schema.TaggedError<VaultKeyError>()("VaultKeyError", {
  keyId: Schema.String,
  problem: Schema.String
}) {
  override get message(): string {
    return `Vault key "${this.keyId}" is unusable: ${this.problem}. A key is 32 random bytes in base64, e.g. from Vault.generateKey().`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface VaultService {
  /** Id of the key new data is sealed with. */
  readonly currentKeyId: string
  /**
   * Seals bytes with the current key. `aad` (associated data, e.g. the row id)
   * is authenticated but not stored: opening needs the same `aad`, so a
   * ciphertext cannot be moved to another row. Sealing never fails.
   */
  readonly seal: (plaintext: Uint8Array | string, aad?: string) => Uint8Array
  readonly open: (sealed: Uint8Array, aad?: string) => Effect.Effect<Uint8Array, VaultError>
  /** {@link seal} for a JSON value. */
  readonly sealJson: (value: unknown, aad?: string) => Uint8Array
  /** {@link open} then `JSON.parse`. */
  readonly openJson: (sealed: Uint8Array, aad?: string) => Effect.Effect<unknown, VaultError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Vault extends Context.Tag("@weft/core/Vault")<Vault, VaultService>() {}

const VERSION = 1
const IV_BYTES = 12
const TAG_BYTES = 16

// The header (format version and key id) is authenticated with the caller's
// associated data, so no byte of a ciphertext can change unnoticed.
const associatedData = (header: Uint8Array, aad: string | undefined): Buffer =>
  aad === undefined ? Buffer.from(header) : Buffer.concat([header, Buffer.from(aad)])

const decodeKey = (key: VaultKey): Either.Either<Buffer, VaultKeyError> => {
  if (key.id.length === 0 || Buffer.byteLength(key.id) > 255) {
    return Either.left(new VaultKeyError({ keyId: key.id, problem: "its id must be 1 to 255 bytes" }))
  }
  const text = Redacted.isRedacted(key.key) ? Redacted.value(key.key) : key.key
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    return Either.left(new VaultKeyError({ keyId: key.id, problem: "it is not base64" }))
  }
  const bytes = Buffer.from(text, "base64")
  return bytes.length === 32
    ? Either.right(bytes)
    : Either.left(new VaultKeyError({ keyId: key.id, problem: `it decodes to ${bytes.length} bytes, not 32` }))
}

/**
 * A vault over the given keys; fails with {@link VaultKeyError} for a bad key.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (keys: VaultKeys): Effect.Effect<VaultService, VaultKeyError> =>
  Effect.gen(function*() {
    const all = [keys.current, ...(keys.previous ?? [])]
    const byId = new Map<string, Buffer>()
    for (const key of all) {
      if (byId.has(key.id)) return yield* new VaultKeyError({ keyId: key.id, problem: "its id is listed twice" })
      byId.set(key.id, yield* decodeKey(key))
    }
    const currentId = keys.current.id
    const currentKey = byId.get(currentId)!
    const header = Buffer.concat([Buffer.from([VERSION, Buffer.byteLength(currentId)]), Buffer.from(currentId)])

    // Nonces must be unpredictable and never repeat: the platform CSPRNG, not `Random`. Drawn in
    // bulk (one call per 4,096 nonces), since sealing runs once per outbox event.
    const nonces = Buffer.allocUnsafe(IV_BYTES * 4096)
    let nonceAt = nonces.length
    // A string is sealed as its UTF-8 bytes, encoded straight into the output (no intermediate copy).
    const seal = (input: Uint8Array | string, aad?: string): Uint8Array => {
      const length = typeof input === "string" ? Buffer.byteLength(input) : input.length
      if (nonceAt === nonces.length) {
        Crypto.randomFillSync(nonces)
        nonceAt = 0
      }
      const iv = nonces.subarray(nonceAt, nonceAt + IV_BYTES)
      nonceAt += IV_BYTES
      const cipher = Crypto.createCipheriv("aes-256-gcm", currentKey, iv)
      cipher.setAAD(associatedData(header, aad))
      // GCM ciphertext is as long as the plaintext: write everything into one buffer.
      const out = Buffer.allocUnsafe(header.length + IV_BYTES + TAG_BYTES + length)
      header.copy(out, 0)
      iv.copy(out, header.length)
      const body = typeof input === "string" ? cipher.update(input, "utf8") : cipher.update(input)
      cipher.final()
      body.copy(out, header.length + IV_BYTES + TAG_BYTES)
      cipher.getAuthTag().copy(out, header.length + IV_BYTES)
      return out
    }

    const open = (sealed: Uint8Array, aad?: string): Effect.Effect<Uint8Array, VaultError> =>
      Effect.suspend(() => {
        const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength)
        if (bytes.length < 2 || bytes[0] !== VERSION) return Effect.fail(new VaultError({ reason: "malformed" }))
        const idEnd = 2 + bytes[1]!
        if (bytes.length < idEnd + IV_BYTES + TAG_BYTES) return Effect.fail(new VaultError({ reason: "malformed" }))
        const keyId = bytes.subarray(2, idEnd).toString()
        const key = byId.get(keyId)
        if (key === undefined) return Effect.fail(new VaultError({ reason: "unknown_key", keyId }))
        const iv = bytes.subarray(idEnd, idEnd + IV_BYTES)
        const tag = bytes.subarray(idEnd + IV_BYTES, idEnd + IV_BYTES + TAG_BYTES)
        try {
          const decipher = Crypto.createDecipheriv("aes-256-gcm", key, iv)
          decipher.setAuthTag(tag)
          decipher.setAAD(associatedData(bytes.subarray(0, idEnd), aad))
          const body = bytes.subarray(idEnd + IV_BYTES + TAG_BYTES)
          return Effect.succeed(new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()])))
        } catch {
          return Effect.fail(new VaultError({ reason: "tampered", keyId }))
        }
      })

    return {
      currentKeyId: currentId,
      seal,
      open,
      sealJson: (value, aad) => seal(JSON.stringify(value), aad),
      openJson: (sealed, aad) =>
        Effect.flatMap(open(sealed, aad), (bytes) =>
          Effect.try({
            try: () => JSON.parse(Buffer.from(bytes).toString()) as unknown,
            catch: () => new VaultError({ reason: "malformed" })
          }))
    } satisfies VaultService
  })

/**
 * The Vault layer from keys you already hold.
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted"
 * import { Vault } from "@weft/core"
 * const VaultLive = Vault.layer({ current: { id: "k2", key: Redacted.make(process.env.KEY_2!) },
 *                                 previous: [{ id: "k1", key: Redacted.make(process.env.KEY_1!) }] })
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer = (keys: VaultKeys): Layer.Layer<Vault, VaultKeyError> => Layer.effect(Vault, make(keys))

/**
 * Parses the `id:base64key[,id:base64key…]` form, current key first. A bad
 * entry is reported by position, never by content, since it holds key bytes.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseKeys = (value: Redacted.Redacted<string>): Either.Either<VaultKeys, VaultKeyError> => {
  const entries = Redacted.value(value).split(",").map((entry) => entry.trim())
  const keys: Array<VaultKey> = []
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!
    const sep = entry.indexOf(":")
    if (sep <= 0 || sep === entry.length - 1) {
      return Either.left(
        new VaultKeyError({
          keyId: `#${i + 1}`,
          problem: "the entry is not of the form id:base64key (entries are separated by commas, current key first)"
        })
      )
    }
    keys.push({ id: entry.slice(0, sep).trim(), key: Redacted.make(entry.slice(sep + 1).trim()) })
  }
  return Either.right({ current: keys[0]!, previous: keys.slice(1) })
}

/**
 * The Vault layer from one redacted config value of the form
 * `id:base64key[,id:base64key…]`, current key first (by default the
 * environment variable `WEFT_VAULT_KEYS`).
 *
 * @example
 * ```ts
 * import * as ConfigProvider from "effect/ConfigProvider"
 * import * as Layer from "effect/Layer"
 * import { Vault } from "@weft/core"
 * // WEFT_VAULT_KEYS="k2:<new key>,k1:<old key>"
 * const VaultLive = Vault.layerConfig()
 * const ForTests = VaultLive.pipe(
 *   Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["WEFT_VAULT_KEYS", "k1:…"]]))))
 * )
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Redacted.Redacted<string>> = Config.redacted("WEFT_VAULT_KEYS")
): Layer.Layer<Vault, VaultKeyError | ConfigError.ConfigError> =>
  Layer.effect(
    Vault,
    Effect.flatMap(config, (value) => Effect.flatMap(parseKeys(value), make))
  )

/**
 * A fresh random key, base64-encoded, for `VaultKey.key`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateKey = (): Redacted.Redacted<string> => Redacted.make(Crypto.randomBytes(32).toString("base64"))
