import { STATUS_CODES } from "node:http"
import type { Sink } from "@weft/core/sink"

/** @internal which 2xx answers acknowledge an event */
export type AckMode = "2xx" | "200"

/** @internal what the sink keeps of a response */
export interface ResponseFacts {
  readonly status: number
  /** lower-cased names */
  readonly headers: Readonly<Record<string, string | undefined>>
  /** the first bytes of the body, decoded; empty if none */
  readonly snippet: string
  readonly truncated: boolean
}

const statusText = (status: number): string => {
  const text = STATUS_CODES[status]
  return text === undefined ? `HTTP ${status}` : `HTTP ${status} ${text}`
}

const withSnippet = (reason: string, facts: ResponseFacts): string => {
  const text = facts.snippet.replace(/\s+/g, " ").trim()
  return text === "" ? reason : `${reason}: ${text}${facts.truncated ? "…" : ""}`
}

/**
 * `Retry-After` as milliseconds from `nowMs`: delay-seconds or an HTTP date.
 * A date in the past means "now" (0); anything unparseable is ignored.
 *
 * @internal
 */
export const parseRetryAfter = (value: string | undefined, nowMs: number): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP date always names a weekday or month; a bare number was handled above.
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

const formatMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`)

/**
 * Turns one HTTP answer into an {@link Sink.Outcome} (DESIGN §4):
 * `webhook-delivery: disable` or 410 disable the destination,
 * `webhook-delivery: abort-message` dead-letters the event, 2xx (or exactly
 * 200) acks, everything else is retried, honouring `Retry-After` on 429/503.
 *
 * @internal
 */
export const classify = (facts: ResponseFacts, ack: AckMode, nowMs: number): Sink.Outcome => {
  const { status } = facts
  const directive = facts.headers["webhook-delivery"]?.trim().toLowerCase()
  if (directive === "disable") {
    return {
      _tag: "Disable",
      status,
      reason: `the receiver answered "webhook-delivery: disable" (${statusText(status)}); ` +
        `deliveries are held until the destination is re-enabled`
    }
  }
  if (status === 410) {
    return {
      _tag: "Disable",
      status,
      reason: withSnippet(
        `${statusText(status)}: the receiver is gone; deliveries are held until the destination is re-enabled`,
        facts
      )
    }
  }
  if (directive === "abort-message") {
    return {
      _tag: "Abort",
      status,
      reason: `the receiver answered "webhook-delivery: abort-message" (${statusText(status)}); this event will not be retried`
    }
  }
  if (status >= 200 && status < 300) {
    if (ack === "2xx" || status === 200) return { _tag: "Acked", status }
    return {
      _tag: "Retry",
      status,
      reason: `${statusText(status)} is not an acknowledgement for this destination (ack: "200" accepts only 200)`
    }
  }
  if (status >= 300 && status < 400) {
    const location = facts.headers["location"]
    return {
      _tag: "Retry",
      status,
      reason: `${statusText(status)} redirect${location === undefined ? "" : ` to ${location}`} not followed; ` +
        `webhooks never follow redirects, so point the destination at the final URL`
    }
  }
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(facts.headers["retry-after"], nowMs)
    if (retryAfterMs !== undefined) {
      return {
        _tag: "Retry",
        status,
        retryAfterMs,
        reason: withSnippet(`${statusText(status)} (Retry-After ${formatMs(retryAfterMs)})`, facts)
      }
    }
  }
  if (status < 100 || status > 599) {
    return { _tag: "Retry", status, reason: `invalid HTTP status ${status}` }
  }
  return { _tag: "Retry", status, reason: withSnippet(statusText(status), facts) }
}

const own = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined

/**
 * A readable account of a transport failure from its cause chain, e.g.
 * `connect ECONNREFUSED 127.0.0.1:9` under fetch's generic "fetch failed".
 *
 * @internal
 */
export const describeCause = (cause: unknown): string => {
  const parts: Array<string> = []
  let current: unknown = cause
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    let message = current instanceof Error ? current.message : typeof current === "string" ? current : ""
    if (message === "") {
      // AggregateError from happy-eyeballs connects has no message of its own
      const first = own(current, "errors")
      const code = own(current, "code")
      if (Array.isArray(first) && first[0] instanceof Error) message = first[0].message
      else if (typeof code === "string") message = code
    }
    if (message !== "" && !parts.some((p) => p.includes(message))) parts.push(message)
    current = own(current, "cause")
  }
  return parts.length === 0 ? "unknown transport error" : parts.join(": ")
}
