import { randomBytes } from "node:crypto"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"

/**
 * Standard Webhooks signing secrets: `whsec_` followed by the base64 of 24 to
 * 64 random bytes. The HMAC key is the decoded bytes, not the text.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category constants
 */
export const prefix = "whsec_"

/**
 * @since 0.1.0
 * @category constants
 */
export const minBytes = 24

/**
 * @since 0.1.0
 * @category constants
 */
export const maxBytes = 64

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * A secret as callers may hold it. Prefer `Redacted`: a plain string is
 * accepted for hosts that read it from their own config.
 *
 * @since 0.1.0
 * @category models
 */
export type SecretInput = Redacted.Redacted<string> | string

/**
 * The HMAC key of a secret, or what is wrong with it. The explanation never
 * repeats the secret.
 *
 * @example
 * ```ts
 * import * as Either from "effect/Either"
 * import { Secret } from "@weft/sink-webhook"
 * Either.isRight(Secret.decode("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")) // true (24 bytes)
 * Secret.decode("hunter2") // Left("it must start with \"whsec_\" …")
 * ```
 * @since 0.1.0
 * @category decoding
 */
export const decode = (secret: SecretInput): Either.Either<Uint8Array, string> => {
  const text = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
  if (!text.startsWith(prefix)) {
    return Either.left(`it must start with "${prefix}" followed by base64 (Standard Webhooks format)`)
  }
  const encoded = text.slice(prefix.length)
  if (encoded.length === 0 || !base64.test(encoded)) {
    return Either.left(`the part after "${prefix}" must be standard base64 (A-Z, a-z, 0-9, +, /, = padding)`)
  }
  const key = Buffer.from(encoded, "base64")
  if (key.length < minBytes || key.length > maxBytes) {
    return Either.left(`it decodes to ${key.length} bytes; a secret must be ${minBytes} to ${maxBytes} bytes`)
  }
  return Either.right(new Uint8Array(key))
}

/**
 * The HMAC keys of several secrets, or the first problem, naming the secret
 * by position (`secret #2 …`), never by value.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeAll = (
  secrets: ReadonlyArray<SecretInput>
): Either.Either<ReadonlyArray<Uint8Array>, string> => {
  if (secrets.length === 0) return Either.left("no signing secret was given; add at least one whsec_ secret")
  const keys: Array<Uint8Array> = []
  for (let i = 0; i < secrets.length; i++) {
    const key = decode(secrets[i]!)
    if (Either.isLeft(key)) return Either.left(`secret #${i + 1} is malformed: ${key.left}`)
    keys.push(key.right)
  }
  return Either.right(keys)
}

/**
 * A new random secret (32 bytes from the operating system's CSPRNG; the
 * deterministic `Random` service is not suitable for key material).
 *
 * @since 0.1.0
 * @category constructors
 */
export const generate = (bytes = 32): Redacted.Redacted<string> => {
  const n = Math.min(maxBytes, Math.max(minBytes, Math.floor(bytes)))
  return Redacted.make(prefix + randomBytes(n).toString("base64"))
}
