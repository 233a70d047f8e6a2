import { createHmac } from "node:crypto"

/**
 * Standard Webhooks signatures: `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`,
 * one space-separated entry per active secret.
 *
 * @since 0.1.0
 */

/**
 * The request headers of the protocol.
 *
 * @since 0.1.0
 * @category constants
 */
export const headers = {
  id: "webhook-id",
  timestamp: "webhook-timestamp",
  signature: "webhook-signature"
} as const

const encoder = new TextEncoder()

/**
 * The raw HMAC-SHA256 of `${id}.${timestamp}.${body}` under one key. The body
 * goes in as bytes, so what is signed is exactly what is sent.
 *
 * @since 0.1.0
 * @category signing
 */
export const compute = (key: Uint8Array, id: string, timestamp: number, body: Uint8Array | string): Buffer =>
  createHmac("sha256", key)
    .update(`${id}.${timestamp}.`, "utf8")
    .update(typeof body === "string" ? encoder.encode(body) : body)
    .digest()

/**
 * The `webhook-signature` header value: one `v1,<base64>` entry per key,
 * space-separated (during rotation both the old and the new key sign).
 *
 * @example
 * ```ts
 * import * as Either from "effect/Either"
 * import { Secret, Signature } from "@weft/sink-webhook"
 * const key = Either.getOrThrow(Secret.decode("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
 * Signature.sign([key], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')
 * // "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
 * ```
 * @since 0.1.0
 * @category signing
 */
export const sign = (
  keys: ReadonlyArray<Uint8Array>,
  id: string,
  timestamp: number,
  body: Uint8Array | string
): string => keys.map((key) => `v1,${compute(key, id, timestamp, body).toString("base64")}`).join(" ")

/**
 * One entry of a `webhook-signature` header.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly version: string
  readonly signature: string
}

/**
 * Splits a `webhook-signature` header into its entries (malformed entries,
 * without a comma, are dropped).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (header: string): ReadonlyArray<Entry> =>
  header
    .split(" ")
    .filter((part) => part.includes(","))
    .map((part) => {
      const comma = part.indexOf(",")
      return { version: part.slice(0, comma), signature: part.slice(comma + 1) }
    })
