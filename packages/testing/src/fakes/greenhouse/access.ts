import { performance } from "node:perf_hooks"
import type { FakeRequest, FakeResponse } from "../kit/FakeServer.js"
import * as Seeded from "../kit/Seeded.js"

/**
 * Harvest's access model as the fake reproduces it: Basic auth with the API
 * key as user and a blank password, per-endpoint key permissions, and the
 * rate-limit window with its `X-RateLimit-*` headers.
 *
 * @since 0.1.0
 */

/**
 * The endpoint permissions a Harvest key can be granted.
 *
 * @since 0.1.0
 * @category models
 */
export type Permission =
  | "candidates.list"
  | "candidates.get"
  | "applications.list"
  | "applications.get"
  | "jobs.list"
  | "jobs.get"

/**
 * @since 0.1.0
 * @category constants
 */
export const ALL_PERMISSIONS: ReadonlyArray<Permission> = [
  "candidates.list",
  "candidates.get",
  "applications.list",
  "applications.get",
  "jobs.list",
  "jobs.get"
]

/**
 * The keys every fake knows, one per credential case.
 *
 * @since 0.1.0
 * @category models
 */
export interface Keys {
  /** Every permission. */
  readonly full: string
  /** Candidates and jobs, but not applications. */
  readonly withoutApplications: string
  /** Candidates only. */
  readonly candidatesOnly: string
  /** A key that was revoked in the Dev Center: refused like an unknown one. */
  readonly revoked: string
  /** Never issued. */
  readonly unknown: string
}

const hexKey = (seed: number, n: number): string => {
  const random = Seeded.recordRandom(seed ^ 0x68e31da4, n)
  return Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join("")
}

/**
 * The keys of a fake seeded with `seed` (32 hex digits, like Harvest's).
 *
 * @since 0.1.0
 * @category constructors
 */
export const keysFor = (seed: number): Keys => ({
  full: hexKey(seed, 1),
  withoutApplications: hexKey(seed, 2),
  candidatesOnly: hexKey(seed, 3),
  revoked: hexKey(seed, 4),
  unknown: hexKey(seed, 5)
})

const UNAUTHORIZED: FakeResponse = { status: 401, body: { message: "Invalid Basic Auth credentials" } }
const FORBIDDEN: FakeResponse = { status: 403, body: { message: "This API Key does not have permission for this endpoint" } }

/**
 * Key checks and the request log's verdict on auth.
 *
 * @since 0.1.0
 * @category models
 */
export class Access {
  private readonly grants = new Map<string, ReadonlySet<Permission>>()
  private readonly revoked = new Set<string>()
  /** Requests whose `Authorization` was not Harvest's Basic form (user = key, blank password). */
  readonly problems: Array<string> = []

  constructor(readonly keys: Keys) {
    this.grant(keys.full, ALL_PERMISSIONS)
    this.grant(keys.withoutApplications, ALL_PERMISSIONS.filter((p) => !p.startsWith("applications.")))
    this.grant(keys.candidatesOnly, ["candidates.list", "candidates.get"])
    this.grant(keys.revoked, ALL_PERMISSIONS)
    this.revoked.add(keys.revoked)
  }

  /** Issues a key (or replaces its permissions). */
  grant(key: string, permissions: ReadonlyArray<Permission>): void {
    this.grants.set(key, new Set(permissions))
  }

  revoke(key: string): void {
    this.revoked.add(key)
  }

  /** `undefined` when the request may proceed; else Harvest's refusal. */
  verify(request: FakeRequest, permission: Permission | undefined): FakeResponse | undefined {
    const where = `${request.method} ${request.path}`
    const header = request.headers["authorization"]
    const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(header)
    if (match === null) {
      this.problems.push(`${where}: ${header === undefined ? "no Authorization header" : "Authorization is not Basic"}`)
      return UNAUTHORIZED
    }
    const decoded = Buffer.from(match[1]!, "base64").toString("utf8")
    const colon = decoded.indexOf(":")
    if (colon === -1) {
      this.problems.push(`${where}: Basic credentials without ':' (the key must be the user, with a blank password)`)
      return UNAUTHORIZED
    }
    if (colon !== decoded.length - 1) {
      this.problems.push(`${where}: a non-blank Basic password was sent`)
      return UNAUTHORIZED
    }
    const key = decoded.slice(0, colon)
    const granted = this.grants.get(key)
    if (granted === undefined || this.revoked.has(key)) return UNAUTHORIZED
    // Harvest answers 403 to a GET that carries a body.
    if (request.method === "GET" && request.body.length > 0) return { status: 403, body: { message: "GET requests must not have a body" } }
    if (permission !== undefined && !granted.has(permission)) return FORBIDDEN
    return undefined
  }
}

/**
 * Rate-limit settings: Harvest allows `limit` requests per 10-second window
 * (usually 50) and reports it on every answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitOptions {
  readonly limit?: number
  readonly windowMs?: number
  /** Answer 429 once the window is spent (default: only report the headers). */
  readonly enforce?: boolean
}

/**
 * A fixed-window request counter. It measures real elapsed time (the fake's
 * logical clock only moves on mutations, and throttling is about real request
 * rates), through `performance.now()`.
 *
 * @since 0.1.0
 * @category models
 */
export class RateWindow {
  readonly limit: number
  private readonly windowMs: number
  private readonly enforce: boolean
  private windowStart = Number.NEGATIVE_INFINITY
  private used = 0

  constructor(options: RateLimitOptions = {}) {
    this.limit = options.limit ?? 50
    this.windowMs = options.windowMs ?? 10_000
    this.enforce = options.enforce ?? false
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.used)
  }

  /** Counts a request; a 429 answer when the window is spent and enforcing. */
  take(clock: Seeded.FakeClock): FakeResponse | undefined {
    const now = performance.now()
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now
      this.used = 0
    }
    if (this.used >= this.limit && this.enforce) {
      const waitMs = this.windowStart + this.windowMs - now
      return {
        status: 429,
        headers: {
          "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))),
          "x-ratelimit-reset": String(Math.ceil((clock.now() + waitMs) / 1000))
        },
        body: { message: "Rate limit exceeded" }
      }
    }
    this.used++
    return undefined
  }
}
