import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as FakeServer from "../kit/FakeServer.js"
import type { Faults } from "../kit/Faults.js"
import * as Seeded from "../kit/Seeded.js"
import type { Tokens } from "./auth.js"
import { makeGrants, makeTokens } from "./auth.js"
import { RATE_LIMITED } from "./errors.js"
import { makeIds } from "./ids.js"
import type { InputValues } from "./input.js"
import { DEFAULT_LIMIT, makeRouter } from "./routes.js"
import type { Actor, ObjectSlug } from "./values.js"
import type { AttioRecord } from "./workspace.js"
import { Workspace, workspaceSlug } from "./workspace.js"

/**
 * A fake of Attio's REST API (v2) on 127.0.0.1: a seeded workspace of
 * companies and people (people linked to companies; many created and
 * enriched by Attio itself, whose values name a `system` actor with a `null`
 * id; each with its `web_url`), the records query with
 * `limit` / `offset`, record create / update / delete that write new value
 * rows with `active_from`, access tokens with scopes for every bad-credential
 * case, and 429 bursts whose `Retry-After` is an HTTP date.
 *
 * @since 0.1.0
 */

export type { Tokens } from "./auth.js"
export type { InputValues } from "./input.js"
export type { ObjectSlug, ValueRow } from "./values.js"
export type { AttioRecord } from "./workspace.js"
export { DEFAULT_LIMIT }

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly seed?: number
  /** Records per object (companies and people); default 1,000, up to 1,000,000. */
  readonly size?: number
  readonly companies?: number
  readonly people?: number
  /** Seeded records that violate the common model: people get a bad e-mail, companies a bad `created_at`. */
  readonly invalid?: { readonly companies?: ReadonlyArray<number>; readonly people?: ReadonlyArray<number> }
  /**
   * The wall clock `Retry-After` dates are computed from (Attio sends the
   * instant the limit resets). Default: real time.
   */
  readonly wallClock?: () => number
  /** Attio's limits (100 reads/s, 25 writes/s) enforced per second of `wallClock`; off by default. */
  readonly rateLimit?: { readonly readsPerSecond: number; readonly writesPerSecond: number }
}

/**
 * A running fake.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fake {
  readonly url: string
  readonly close: () => Promise<void>
  readonly faults: Faults
  readonly requests: ReadonlyArray<FakeServer.RecordedRequest>
  readonly tokens: Tokens
  readonly clock: Seeded.FakeClock
  readonly workspaceId: string
  readonly count: (object: ObjectSlug) => number
  /** The id of seeded (or created) record number `index`. */
  readonly recordId: (object: ObjectSlug, index: number) => string
  /** A record as the API returns it (404 → `undefined`). */
  readonly record: (object: ObjectSlug, id: string) => AttioRecord | undefined
  /** Creates a record (write-format values; none: realistic seeded ones). */
  readonly create: (object: ObjectSlug, values?: InputValues) => string
  /** PUT semantics by default; `append` is PATCH's (adds to multi-value attributes). */
  readonly update: (object: ObjectSlug, id: string, values: InputValues, mode?: "append" | "overwrite") => boolean
  /** Deletes a record; for a company, returns its people (whose `company` is cleared). */
  readonly remove: (object: ObjectSlug, id: string) => ReadonlyArray<string>
  /** The ids of a company's people. */
  readonly teamOf: (companyId: string) => ReadonlyArray<string>
  /** The next `times` requests answer 429 (Retry-After: an HTTP date) or 503. */
  readonly throttle: (options?: { readonly times?: number; readonly status?: 429 | 503; readonly retryAfterSeconds?: number }) => void
  /** The next query of `object` after its first page answers 500, or a malformed page. */
  readonly failNextPage: (object: ObjectSlug, kind?: "status" | "malformed") => void
}

const queryPath = (object: ObjectSlug) => `/v2/objects/${object}/records/query`

/**
 * Starts the fake.
 *
 * @example
 * ```ts
 * import ky from "ky"
 * import { AttioFake } from "@weft/testing"
 *
 * const fake = await AttioFake.start({ size: 1200, seed: 7 })
 * const client = ky.create({ prefixUrl: fake.url, headers: { authorization: `Bearer ${fake.tokens.good}` } })
 * const page = await client.post("v2/objects/people/records/query", { json: { limit: 500, offset: 0 } }).json()
 * await fake.close()
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: Options = {}): Promise<Fake> => {
  const seed = options.seed ?? 1
  const size = options.size ?? 1000
  const clock = new Seeded.FakeClock()
  const ids = makeIds(seed)
  const workspaceName = `${Seeded.pools(seed).companies[0]} Workspace`
  const workspace = new Workspace({
    ids,
    slug: workspaceSlug(workspaceName),
    clock,
    companies: options.companies ?? size,
    people: options.people ?? size,
    invalid: options.invalid
  })
  const tokens = makeTokens(seed)
  const grants = makeGrants(tokens)
  const wallClock = options.wallClock ?? (() => new Date().getTime())
  const router = makeRouter({ workspace, grants, clock, workspaceName })

  // Attio answers 429 with the instant the limit resets, usually the next second.
  const retryAfter = (seconds: number) => new Date(Math.ceil((wallClock() + seconds * 1000) / 1000) * 1000).toUTCString()
  const bursts: Array<{ remaining: number; status: 429 | 503; seconds: number }> = []
  const windows = { read: [] as Array<number>, write: [] as Array<number> }
  const overLimit = (kind: "read" | "write"): boolean => {
    if (options.rateLimit === undefined) return false
    const now = wallClock()
    const window = windows[kind].filter((t) => t > now - 1000)
    windows[kind] = window
    const limit = kind === "read" ? options.rateLimit.readsPerSecond : options.rateLimit.writesPerSecond
    if (window.length >= limit) return true
    window.push(now)
    return false
  }

  const server = await FakeServer.start(router, {
    headers: () => ({ date: new Date(clock.now()).toUTCString() }),
    before: (request) => {
      const burst = bursts[0]
      if (burst !== undefined) {
        burst.remaining -= 1
        if (burst.remaining <= 0) bursts.shift()
        return burst.status === 429
          ? { status: 429, headers: { "retry-after": retryAfter(burst.seconds) }, body: RATE_LIMITED }
          : {
            status: 503,
            headers: { "retry-after": retryAfter(burst.seconds) },
            body: { status_code: 503, type: "api_error", code: "service_unavailable", message: "Service temporarily unavailable." }
          }
      }
      const read = request.method === "GET" || (request.method === "POST" && request.path.endsWith("/records/query"))
      if (overLimit(read ? "read" : "write")) return { status: 429, headers: { "retry-after": retryAfter(1) }, body: RATE_LIMITED }
      return undefined
    }
  })

  const system: Actor = { type: "workspace-member", id: ids.members[0]! }
  return {
    url: server.url,
    close: server.close,
    faults: server.faults,
    requests: server.requests,
    tokens,
    clock,
    workspaceId: ids.workspaceId,
    count: (object) => workspace.count(object),
    recordId: (object, index) => workspace.recordId(object, index),
    record: (object, id) => {
      try {
        return workspace.render(object, workspace.find(object, id))
      } catch {
        return undefined
      }
    },
    create: (object, values) => workspace.create(object, values, system),
    update: (object, id, values, mode = "overwrite") => workspace.update(object, id, values, mode, system),
    remove: (object, id) => workspace.remove(object, id, system),
    teamOf: (companyId) =>
      workspace.teamOf(workspace.find("companies", companyId)).map((p) => workspace.recordId("people", p)),
    throttle: (o = {}) => {
      bursts.push({ remaining: o.times ?? 2, status: o.status ?? 429, seconds: o.retryAfterSeconds ?? 1 })
    },
    failNextPage: (object, kind = "status") => {
      const match = (request: FakeServer.FakeRequest) =>
        request.path === queryPath(object) &&
        typeof request.json === "object" && request.json !== null &&
        Number((request.json as { offset?: unknown }).offset ?? 0) > 0
      server.faults.inject(
        kind === "malformed"
          ? { kind: "malformed" }
          : {
            kind: "status",
            status: 500,
            body: { status_code: 500, type: "api_error", code: "internal_server_error", message: "An unexpected error occurred." }
          },
        { match }
      )
    }
  }
}

/**
 * {@link start} as a scoped Effect: the fake closes with the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const scoped = (options: Options = {}): Effect.Effect<Fake, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => start(options)), (fake) => Effect.promise(() => fake.close()))
