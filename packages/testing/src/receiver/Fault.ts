/**
 * Scripted misbehaviour for the recording webhook receiver: error statuses,
 * hung and reset connections, throttling, `410 Gone`, slow answers.
 *
 * @since 0.1.0
 */

/**
 * What the receiver does instead of acknowledging a delivery.
 *
 * - `Status`: answer with this status, headers and body;
 * - `Hang`: never answer — or, with `ms`, drop the connection after `ms`
 *   without an answer (a receiver that times out);
 * - `Reset`: destroy the connection right away;
 * - `Slow`: wait `ms`, then answer `status` (default 200).
 *
 * @since 0.1.0
 * @category models
 */
export type Fault =
  | {
    readonly _tag: "Status"
    readonly status: number
    readonly headers?: Readonly<Record<string, string>> | undefined
    readonly body?: string | undefined
  }
  | { readonly _tag: "Hang"; readonly ms?: number | undefined }
  | { readonly _tag: "Reset" }
  | { readonly _tag: "Slow"; readonly ms: number; readonly status: number }

/**
 * What a script sees of a delivery before the receiver answers it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  readonly method: string
  readonly path: string
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string | undefined>>
  /** `webhook-id`, or `undefined` if absent. */
  readonly id: string | undefined
  readonly body: string
}

/**
 * Decides the answer to each delivery: a {@link Fault}, or `undefined` to
 * answer normally. `attempt` counts deliveries with the same `webhook-id`,
 * from 1.
 *
 * @since 0.1.0
 * @category models
 */
export type Script = (delivery: Delivery, attempt: number) => Fault | undefined

/**
 * @since 0.1.0
 * @category faults
 */
export const status = (
  code: number,
  headers?: Readonly<Record<string, string>>,
  body?: string
): Fault => ({ _tag: "Status", status: code, headers, body })

/**
 * 429 (or 503) with `Retry-After`, in seconds or as an HTTP date.
 *
 * @since 0.1.0
 * @category faults
 */
export const retryAfter = (after: number | Date, code: 429 | 503 = 429): Fault =>
  status(code, { "retry-after": typeof after === "number" ? String(after) : after.toUTCString() })

/**
 * `410 Gone`: the destination should be disabled.
 *
 * @since 0.1.0
 * @category faults
 */
export const gone = (): Fault => status(410)

/**
 * `webhook-delivery: disable` on an otherwise normal answer.
 *
 * @since 0.1.0
 * @category faults
 */
export const disable = (code = 200): Fault => status(code, { "webhook-delivery": "disable" })

/**
 * `webhook-delivery: abort-message`: dead-letter this one event.
 *
 * @since 0.1.0
 * @category faults
 */
export const abortMessage = (code = 400): Fault => status(code, { "webhook-delivery": "abort-message" })

/**
 * Holds the request without answering: forever, or for `ms` and then drops
 * the connection.
 *
 * @since 0.1.0
 * @category faults
 */
export const hang = (ms?: number): Fault => ({ _tag: "Hang", ms })

/**
 * Destroys the connection without an answer.
 *
 * @since 0.1.0
 * @category faults
 */
export const reset = (): Fault => ({ _tag: "Reset" })

/**
 * Answers `code` (default 200) after `ms`.
 *
 * @since 0.1.0
 * @category faults
 */
export const slow = (ms: number, code = 200): Fault => ({ _tag: "Slow", ms, status: code })

/**
 * A stable number in [0, 1) for an id (32-bit FNV-1a), so the same ids fail
 * in every run.
 *
 * @since 0.1.0
 * @category scripts
 */
export const unitHash = (id: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) / 0x1_0000_0000
}

/**
 * Fails the first `attempts` (default 1) deliveries of a deterministic
 * share `ratio` of event ids (chosen by id hash), with `status` (default
 * 500) or any `fault`.
 *
 * @example
 * ```ts
 * import { WebhookReceiver } from "@weft/testing"
 * // about 30 % of events fail once with 503, the same ones every run
 * WebhookReceiver.failFirstAttempts({ ratio: 0.3, status: 503 })
 * ```
 * @since 0.1.0
 * @category scripts
 */
export const failFirstAttempts = (options: {
  readonly ratio: number
  readonly status?: number | undefined
  readonly attempts?: number | undefined
  readonly fault?: Fault | undefined
}): Script => {
  const fault = options.fault ?? status(options.status ?? 500)
  const attempts = options.attempts ?? 1
  return (delivery, attempt) =>
    delivery.id !== undefined && attempt <= attempts && unitHash(delivery.id) < options.ratio ? fault : undefined
}

/**
 * The next `n` deliveries (any id) get `fault`; later ones are answered
 * normally.
 *
 * @since 0.1.0
 * @category scripts
 */
export const queue = (n: number, fault: Fault): Script => {
  let remaining = n
  return () => {
    if (remaining <= 0) return undefined
    remaining -= 1
    return fault
  }
}

/**
 * Several scripts in order; the first fault wins. Every script sees every
 * delivery until one answers, so a `queue` later in the list is only used up
 * by deliveries the earlier scripts let through.
 *
 * @since 0.1.0
 * @category scripts
 */
export const firstOf = (...scripts: ReadonlyArray<Script>): Script => (delivery, attempt) => {
  for (const script of scripts) {
    const fault = script(delivery, attempt)
    if (fault !== undefined) return fault
  }
  return undefined
}
