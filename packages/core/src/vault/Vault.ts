import * as Crypto from "node:crypto"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
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
 * How vault keys are written in configuration, and how to make one: the help
 * every {@link VaultConfigError} ends with.
 *
 * @since 0.1.0
 * @category constants
 */
export const keysFormatHelp = (variable: string): string =>
  `Expected one or more keys written id:base64key, comma-separated, the current key first ` +
  `(${variable}="k1:<key>", or ${variable}="k2:<new key>,k1:<old key>" while rotating): ` +
  `a key id is a short name (1 to 255 bytes, no ":" or ","), stored beside each ciphertext; ` +
  `a key is 32 random bytes in base64. Generate one with: ` +
  `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`

/**
 * The vault's keys could not be read from configuration (by default the
 * environment variable `WEFT_VAULT_KEYS`): the variable is not set
 * (`missing`), its value is not a list of usable keys (`malformed`; `detail`
 * says which entry and which part, never quoting key material), or the
 * config source failed (`unreadable`). Raised when the Vault layer is built,
 * so a host fails at start, not on its first call.
 *
 * @since 0.1.0
 * @category errors
 */
export class VaultConfigError extends Schema.TaggedError<VaultConfigError>()("VaultConfigError", {
  variable: Schema.String,
  reason: Schema.Literal("missing", "malformed", "unreadable"),
  detail: Schema.String
}) {
  override get message(): string {
    const what = this.reason === "missing"
      ? `${this.variable} is not set`
      : this.reason === "malformed"
      ? `${this.variable} is malformed: ${this.detail}`
      : `${this.variable} could not be read: ${this.detail}`
    return `${what}. ${keysFormatHelp(this.variable)}`
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

// The opened bytes as a plain Uint8Array of their own. GCM's final step adds nothing, and the
// update's output has a buffer of its own: it is handed out as it is, not copied once or twice more.
// Anything else (a pooled buffer shares memory with unrelated data) is copied.
const plaintext = (head: Buffer, tail: Buffer): Uint8Array => {
  if (tail.length === 0 && head.byteOffset === 0 && head.buffer.byteLength === head.length) {
    return new Uint8Array(head.buffer, 0, head.length)
  }
  const out = new Uint8Array(head.length + tail.length)
  out.set(head, 0)
  out.set(tail, head.length)
  return out
}

const KEY_CHARS = /^[A-Za-z0-9+/_-]+={0,2}$/

// Key ids are not secret, but a long "id" is more likely a key written in the
// wrong place (key:id): such ids are not quoted.
const MAX_QUOTED_ID = 24

// What is wrong with a key id, if anything.
const idProblem = (id: string): string | undefined =>
  id.length === 0 || Buffer.byteLength(id) > 255 ? "its id must be 1 to 255 bytes" : undefined

// What is wrong with a key's text, if anything; never quotes it.
const keyProblem = (text: string): string | undefined => {
  if (!KEY_CHARS.test(text)) return "it is not base64"
  const length = Buffer.from(text, "base64").length
  return length === 32 ? undefined : `it decodes to ${length} bytes, not 32`
}

const reveal = (key: VaultKey["key"]): string => (Redacted.isRedacted(key) ? Redacted.value(key) : key)

const isKey = (u: unknown): u is VaultKey =>
  typeof u === "object" && u !== null && typeof (u as VaultKey).id === "string" &&
  (typeof (u as VaultKey).key === "string" ||
    (Redacted.isRedacted((u as VaultKey).key) && typeof Redacted.value((u as VaultKey).key as Redacted.Redacted) === "string"))

/**
 * Checks vault keys without building a vault: each is `{ id, key }` with an
 * id of 1 to 255 bytes and a key of 32 bytes in base64, and no id is listed
 * twice. The error names the key by id (or by position when it has none),
 * never quoting key material.
 *
 * @since 0.1.0
 * @category constructors
 */
export const checkKeys = (keys: VaultKeys): Either.Either<VaultKeys, VaultKeyError> => {
  const given = keys as unknown as { readonly current?: unknown; readonly previous?: unknown } | undefined
  if (typeof given !== "object" || given === null) {
    return Either.left(new VaultKeyError({ keyId: "current", problem: "no keys were given: expected { current: { id, key }, previous? }" }))
  }
  if (given.previous !== undefined && !Array.isArray(given.previous)) {
    return Either.left(new VaultKeyError({ keyId: "previous", problem: "previous must be an array of { id, key }" }))
  }
  const all: ReadonlyArray<readonly [string, unknown]> = [
    ["current", given.current],
    ...((given.previous ?? []) as ReadonlyArray<unknown>).map((k, i) => [`previous[${i}]`, k] as const)
  ]
  const seen = new Set<string>()
  for (const [position, key] of all) {
    if (!isKey(key)) {
      return Either.left(new VaultKeyError({ keyId: position, problem: "it is not { id, key } with a string id and a string or Redacted string key" }))
    }
    const problem = idProblem(key.id) ?? keyProblem(reveal(key.key))
    if (problem !== undefined) {
      // A long id may be a key given as the id (id and key swapped): named by position instead.
      return Either.left(
        key.id.length <= MAX_QUOTED_ID
          ? new VaultKeyError({ keyId: key.id, problem })
          : new VaultKeyError({ keyId: position, problem: `${problem} (its ${key.id.length}-character id is not shown: are id and key swapped?)` })
      )
    }
    if (seen.has(key.id)) return Either.left(new VaultKeyError({ keyId: key.id, problem: "its id is listed twice" }))
    seen.add(key.id)
  }
  return Either.right(keys)
}

/**
 * A vault over the given keys; fails with {@link VaultKeyError} for a bad key.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (keys: VaultKeys): Effect.Effect<VaultService, VaultKeyError> =>
  Effect.gen(function*() {
    yield* checkKeys(keys)
    const byId = new Map<string, Buffer>()
    for (const key of [keys.current, ...(keys.previous ?? [])]) byId.set(key.id, Buffer.from(reveal(key.key), "base64"))
    const currentId = keys.current.id
    const currentKey = byId.get(currentId)!
    const header = Buffer.concat([Buffer.from([VERSION, Buffer.byteLength(currentId)]), Buffer.from(currentId)])

    // Nonces must be unpredictable and never repeat: the platform CSPRNG, not `Random`. Drawn in
    // bulk (one call per 4,096 nonces), since sealing runs once per outbox event.
    const nonces = Buffer.allocUnsafe(IV_BYTES * 4096)
    let nonceAt = nonces.length
    // A string is encrypted from its UTF-8 bytes as the cipher reads it; the output is sized from
    // the ciphertext (as long as the plaintext in GCM), so the text is not measured beforehand.
    const seal = (input: Uint8Array | string, aad?: string): Uint8Array => {
      if (nonceAt === nonces.length) {
        Crypto.randomFillSync(nonces)
        nonceAt = 0
      }
      const iv = nonces.subarray(nonceAt, nonceAt + IV_BYTES)
      nonceAt += IV_BYTES
      const cipher = Crypto.createCipheriv("aes-256-gcm", currentKey, iv)
      cipher.setAAD(associatedData(header, aad))
      const body = typeof input === "string" ? cipher.update(input, "utf8") : cipher.update(input)
      cipher.final()
      const out = Buffer.allocUnsafe(header.length + IV_BYTES + TAG_BYTES + body.length)
      header.copy(out, 0)
      iv.copy(out, header.length)
      cipher.getAuthTag().copy(out, header.length + IV_BYTES)
      body.copy(out, header.length + IV_BYTES + TAG_BYTES)
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
          return Effect.succeed(plaintext(decipher.update(body), decipher.final()))
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
            try: () => JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString()) as unknown,
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

const entryLabel = (n: number, id: string): string =>
  id.length <= MAX_QUOTED_ID ? `entry ${n} (key id "${id}")` : `entry ${n} (its ${id.length}-character key id is not shown: is the entry written key:id?)`

/**
 * Parses the `id:base64key[,id:base64key…]` form and checks every key. The
 * failure says which entry and which part is wrong, never quoting key
 * material.
 */
const parseConfigKeys = (value: Redacted.Redacted<string>): Either.Either<VaultKeys, string> => {
  const text = Redacted.value(value)
  if (text.trim().length === 0) return Either.left("it is empty")
  const entries = text.split(",").map((entry) => entry.trim())
  const keys: Array<VaultKey> = []
  const seen = new Map<string, number>()
  for (let i = 0; i < entries.length; i++) {
    const n = i + 1
    const entry = entries[i]!
    if (entry.length === 0) return Either.left(`entry ${n} is empty (a stray comma?)`)
    const sep = entry.indexOf(":")
    if (sep < 0) return Either.left(`entry ${n} has no ":" between the key id and the key`)
    const id = entry.slice(0, sep).trim()
    const key = entry.slice(sep + 1).trim()
    if (id.length === 0) return Either.left(`entry ${n} has no key id before the ":"`)
    if (key.length === 0) return Either.left(`${entryLabel(n, id)} has no key after the ":"`)
    const problem = idProblem(id)
    if (problem !== undefined) return Either.left(`${entryLabel(n, id)}: ${problem}`)
    const bad = keyProblem(key)
    if (bad !== undefined) return Either.left(`the key of ${entryLabel(n, id)} is unusable: ${bad}`)
    const before = seen.get(id)
    if (before !== undefined) return Either.left(`entries ${before} and ${n} have the same key id${id.length <= MAX_QUOTED_ID ? ` "${id}"` : ""}`)
    seen.set(id, n)
    keys.push({ id, key: Redacted.make(key) })
  }
  return Either.right({ current: keys[0]!, previous: keys.slice(1) })
}

const configFailure = (error: ConfigError.ConfigError, variable: string | undefined): VaultConfigError => {
  const missing = ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left: ReadonlyArray<string> | undefined, right) => left ?? right,
    orCase: (_, left: ReadonlyArray<string> | undefined, right) => left ?? right,
    invalidDataCase: () => undefined,
    missingDataCase: (_, path) => path,
    sourceUnavailableCase: () => undefined,
    unsupportedCase: () => undefined
  })
  const name = variable ?? (missing !== undefined && missing.length > 0 ? missing.join(".") : "the vault keys setting")
  if (ConfigError.isMissingDataOnly(error)) return new VaultConfigError({ variable: name, reason: "missing", detail: "not set" })
  // The config error's own text is not quoted: it may carry the value.
  return new VaultConfigError({
    variable: name,
    reason: "unreadable",
    detail: ConfigError.isSourceUnavailable(error) ? "the config source is unavailable" : "the config source refused it"
  })
}

/**
 * The Vault layer from one redacted config value of the form
 * `id:base64key[,id:base64key…]`, current key first: by default the
 * environment variable `WEFT_VAULT_KEYS`; pass another variable name, or a
 * `Config` of your own.
 *
 * The value is read and every key checked when the layer is built: a missing
 * variable or a malformed value fails the build with a
 * {@link VaultConfigError} that names the variable, says which entry and
 * which part is wrong, and how to generate a key — never quoting key
 * material.
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
  config: string | Config.Config<Redacted.Redacted<string>> = "WEFT_VAULT_KEYS"
): Layer.Layer<Vault, VaultConfigError> => {
  const variable = typeof config === "string" ? config : undefined
  const source = typeof config === "string" ? Config.redacted(config) : config
  return Layer.effect(
    Vault,
    Effect.gen(function*() {
      const value = yield* Effect.mapError(source, (error) => configFailure(error, variable))
      const name = variable ?? "the vault keys setting"
      const keys = yield* Either.mapLeft(parseConfigKeys(value), (detail) => new VaultConfigError({ variable: name, reason: "malformed", detail }))
      return yield* Effect.mapError(make(keys), (error) => new VaultConfigError({ variable: name, reason: "malformed", detail: error.problem }))
    })
  )
}

/**
 * A fresh random key, base64-encoded, for `VaultKey.key`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateKey = (): Redacted.Redacted<string> => Redacted.make(Crypto.randomBytes(32).toString("base64"))
