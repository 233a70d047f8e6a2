import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { ConnectSession } from "../definition/security.js"

/**
 * Connect-session tokens and OAuth `state` values: signed, self-contained
 * and short-lived, so any process holding the signing key can check them.
 *
 * A token is `wcs_<payload>.<mac>`: the payload is base64url JSON (session
 * id, tenant, connectors, expiry), the MAC an HMAC-SHA256 over the prefix
 * and payload. A state is the same with `wos_`. Neither holds anything
 * secret; the MAC makes them unforgeable.
 */

const TOKEN = "wcs_"
const STATE = "wos_"

/** What an OAuth `state` carries through the provider's consent step. */
export interface OAuthState {
  readonly sessionId: string
  readonly tenant: string
  readonly connector: string
  readonly expiresAt: number
  readonly returnUrl?: string | undefined
  /** The origin of the page that started it: the callback posts its result there only. */
  readonly openerOrigin?: string | undefined
  /**
   * SHA-256 (base64url) of the nonce in the starting browser's cookie: the
   * callback connects only in that browser, so a consent URL sent to someone
   * else cannot connect their account to the sender's tenant.
   */
  readonly browser: string
}

export interface Signer {
  readonly token: (session: ConnectSession) => string
  readonly readToken: (token: string) => Option.Option<ConnectSession>
  readonly state: (state: OAuthState) => string
  readonly readState: (state: string) => Option.Option<OAuthState>
}

const base64url = (bytes: Buffer | string): string => Buffer.from(bytes).toString("base64url")

export const makeSigner = (key: Uint8Array): Signer => {
  const mac = (text: string) => createHmac("sha256", key).update(text).digest()
  const sign = (prefix: string, payload: unknown) => {
    const body = prefix + base64url(JSON.stringify(payload))
    return `${body}.${mac(body).toString("base64url")}`
  }
  const read = (prefix: string, text: string): Option.Option<Record<string, unknown>> => {
    if (!text.startsWith(prefix) || text.length > 4096) return Option.none()
    const dot = text.lastIndexOf(".")
    if (dot < 0) return Option.none()
    const given = Buffer.from(text.slice(dot + 1), "base64url")
    const expected = mac(text.slice(0, dot))
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return Option.none()
    try {
      const payload = JSON.parse(Buffer.from(text.slice(prefix.length, dot), "base64url").toString("utf8")) as unknown
      return typeof payload === "object" && payload !== null ? Option.some(payload as Record<string, unknown>) : Option.none()
    } catch {
      return Option.none()
    }
  }
  return {
    token: (session) => sign(TOKEN, { v: 1, id: session.id, t: session.tenant, c: session.connectors, e: session.expiresAt }),
    readToken: (token) =>
      Option.flatMap(read(TOKEN, token), (p) =>
        typeof p["id"] === "string" && typeof p["t"] === "string" && Array.isArray(p["c"]) && typeof p["e"] === "number"
          ? Option.some({ id: p["id"], tenant: p["t"], connectors: p["c"] as Array<string>, expiresAt: p["e"] })
          : Option.none()),
    state: (state) =>
      sign(STATE, {
        v: 1,
        s: state.sessionId,
        t: state.tenant,
        c: state.connector,
        e: state.expiresAt,
        r: state.returnUrl,
        o: state.openerOrigin,
        b: state.browser
      }),
    readState: (state) =>
      Option.flatMap(read(STATE, state), (p) =>
        typeof p["s"] === "string" && typeof p["t"] === "string" && typeof p["c"] === "string" && typeof p["e"] === "number" &&
          typeof p["b"] === "string"
          ? Option.some({
            sessionId: p["s"],
            tenant: p["t"],
            connector: p["c"],
            expiresAt: p["e"],
            returnUrl: typeof p["r"] === "string" ? p["r"] : undefined,
            openerOrigin: typeof p["o"] === "string" ? p["o"] : undefined,
            browser: p["b"]
          })
          : Option.none())
  }
}

/** The signing key: the configured secret, or a random one for this process. */
export const signingKey = (secret: Redacted.Redacted<string> | undefined): Uint8Array =>
  secret === undefined
    ? randomBytes(32)
    : createHmac("sha256", "weft connect sessions").update(Redacted.value(secret)).digest()

/**
 * What the process remembers of its sessions: which connected an integration
 * already (a session connects one), and recent credential submissions (to
 * refuse guessing). Entries go when their session expires.
 */
export interface SessionState {
  readonly connected: (sessionId: string) => string | undefined
  /**
   * Takes the session for one connection attempt: false while another
   * attempt of it is in flight or once it has connected. Checked and taken in
   * one synchronous step, so concurrent submissions cannot both connect.
   */
  readonly claim: (sessionId: string) => boolean
  /** Gives the session back after an attempt that did not connect. */
  readonly release: (sessionId: string) => void
  readonly markConnected: (sessionId: string, integrationId: string, expiresAt: number, now: number) => void
  /** Counts a submission; `Some(seconds)` to wait when over the limit. */
  readonly attempt: (sessionId: string, now: number, expiresAt: number) => Option.Option<number>
}

export const makeSessionState = (limit: { readonly attempts: number; readonly windowMs: number }): SessionState => {
  const connected = new Map<string, { readonly integrationId: string; readonly expiresAt: number }>()
  const attempts = new Map<string, { readonly times: Array<number>; readonly expiresAt: number }>()
  const inFlight = new Set<string>()
  const sweep = (now: number) => {
    for (const [id, entry] of connected) if (entry.expiresAt <= now) connected.delete(id)
    for (const [id, entry] of attempts) if (entry.expiresAt <= now) attempts.delete(id)
  }
  return {
    connected: (sessionId) => connected.get(sessionId)?.integrationId,
    claim: (sessionId) => {
      if (inFlight.has(sessionId) || connected.has(sessionId)) return false
      inFlight.add(sessionId)
      return true
    },
    release: (sessionId) => {
      inFlight.delete(sessionId)
    },
    markConnected: (sessionId, integrationId, expiresAt, now) => {
      if (connected.size > 1024) sweep(now)
      connected.set(sessionId, { integrationId, expiresAt })
      inFlight.delete(sessionId)
    },
    attempt: (sessionId, now, expiresAt) => {
      if (attempts.size > 1024) sweep(now)
      const entry = attempts.get(sessionId) ?? { times: [], expiresAt }
      attempts.set(sessionId, entry)
      while (entry.times.length > 0 && entry.times[0]! <= now - limit.windowMs) entry.times.shift()
      if (entry.times.length >= limit.attempts) {
        return Option.some(Math.max(1, Math.ceil((entry.times[0]! + limit.windowMs - now) / 1000)))
      }
      entry.times.push(now)
      return Option.none()
    }
  }
}
