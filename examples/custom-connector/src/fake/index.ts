import { FakeServer, type Faults, Seeded } from "@weft/testing"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Api from "../api.js"
import { type ContactFields, type ContactRow, Helpdesk } from "./helpdesk.js"
import { error, router } from "./routes.js"

/**
 * A fake Tickety, built with the testing kit of `@weft/testing`: a real HTTP
 * server on 127.0.0.1 with one seeded helpdesk, bearer API keys for every
 * refusal the check must tell apart, mutations that move a logical clock,
 * and fault knobs (429 bursts with `Retry-After`, a failing page mid-read).
 *
 * @example
 * ```ts
 * import { TicketyEffect, TicketyFake } from "@weft/example-custom-connector"
 *
 * const fake = await TicketyFake.start({ size: 250, seed: 7 })
 * const tickety = TicketyEffect.connector({ baseUrl: fake.url })
 * fake.update(fake.ids({ archived: false })[0]!, { job_title: "Head of Support" })
 * await fake.close()
 * ```
 * @since 0.1.0
 */

export type { ContactFields, ContactRow } from "./helpdesk.js"

/**
 * The API keys the fake hands out, one per case.
 *
 * @since 0.1.0
 * @category models
 */
export interface Keys {
  /** Reads everything. */
  readonly good: string
  /** Valid, but only with the `tickets:read` scope. */
  readonly ticketsOnly: string
  /** Was valid; revoked (401). */
  readonly revoked: string
  /** Belongs to a closed helpdesk (404). */
  readonly closedAccount: string
  /** Well-formed, but never issued (401). */
  readonly unknown: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default 1. */
  readonly seed?: number | undefined
  /** Contacts at start. Default 250. */
  readonly size?: number | undefined
  /** How far the logical clock moves per mutation. Default 1 second. */
  readonly tickMs?: number | undefined
}

/**
 * A running fake.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fake {
  /** `http://127.0.0.1:<port>`: the connector's `baseUrl`. */
  readonly url: string
  readonly keys: Keys
  readonly clock: Seeded.FakeClock
  readonly faults: Faults
  readonly requests: ReadonlyArray<FakeServer.RecordedRequest>
  /** Current contacts, archived included. */
  readonly count: () => number
  readonly get: (id: string) => ContactRow | undefined
  /** Current contact ids, in list order. */
  readonly ids: (options: { readonly archived: boolean }) => ReadonlyArray<string>
  readonly create: (fields?: ContactFields) => ContactRow
  readonly update: (id: string, fields: ContactFields) => ContactRow
  readonly archive: (id: string) => ContactRow
  readonly restore: (id: string) => ContactRow
  /** A new ticket for the contact: `tickets_count` and `updated_at` change, nothing the connector maps. */
  readonly touch: (id: string) => ContactRow
  /** Deletes the contact: gone from lists, added to the deleted-contacts feed. */
  readonly remove: (id: string) => void
  /** The next `times` requests answer 429 with `Retry-After: <seconds>`. */
  readonly throttle: (options?: { readonly times?: number; readonly retryAfterSeconds?: number }) => void
  /** The next request for a second-or-later contacts page answers 500 (or a truncated body). */
  readonly failNextPage: (options?: { readonly kind?: "status" | "malformed" }) => void
  /** Requests that did not carry a bearer key the fake issued, described. */
  readonly authProblems: () => ReadonlyArray<string>
  readonly close: () => Promise<void>
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

const makeKey = (seed: number, salt: number): string => {
  const random = Seeded.prng(seed * 7919 + salt)
  return `tk_live_${Array.from({ length: 24 }, () => Seeded.pick(random, [...ALPHANUMERIC])).join("")}`
}

const bearerOf = (authorization: string | undefined): string | undefined =>
  authorization === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(authorization)?.[1]

/**
 * Starts a fake Tickety.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: Options = {}): Promise<Fake> => {
  const seed = options.seed ?? 1
  const helpdesk = new Helpdesk(seed, options.size ?? 250, new Seeded.FakeClock(), options.tickMs ?? 1000)
  const keys: Keys = {
    good: makeKey(seed, 1),
    ticketsOnly: makeKey(seed, 2),
    revoked: makeKey(seed, 3),
    closedAccount: makeKey(seed, 4),
    unknown: makeKey(seed, 5)
  }
  const scopes = new Map<string, ReadonlyArray<string>>([
    [keys.good, [Api.CONTACTS_SCOPE, "tickets:read"]],
    [keys.ticketsOnly, ["tickets:read"]]
  ])
  const account = { id: `acc_${seed}`, name: `${Seeded.pools(seed).companies[0]} Support` }

  const server = await FakeServer.start(
    router({
      helpdesk,
      me: (authorization) => ({ account, scopes: scopes.get(bearerOf(authorization) ?? "") ?? [] })
    }),
    {
      headers: () => ({ date: new Date(helpdesk.clock.now()).toUTCString() }),
      before: (request) => {
        const key = bearerOf(request.headers["authorization"])
        if (key === undefined) return error(401, "missing_api_key", "Send the API key as Authorization: Bearer <key>.")
        if (key === keys.revoked) return error(401, "api_key_revoked", "This API key was revoked.")
        if (key === keys.closedAccount) return error(404, "account_not_found", "This helpdesk was closed.")
        const granted = scopes.get(key)
        if (granted === undefined) return error(401, "invalid_api_key", "Unknown API key.")
        if (request.path !== Api.paths.me && !granted.includes(Api.CONTACTS_SCOPE)) {
          return error(403, "missing_scope", `This API key lacks the ${Api.CONTACTS_SCOPE} scope.`)
        }
        return undefined
      }
    }
  )

  const issued = new Set(Object.values(keys))
  return {
    url: server.url,
    keys,
    clock: helpdesk.clock,
    faults: server.faults,
    requests: server.requests,
    count: () => helpdesk.count,
    get: (id) => helpdesk.get(id),
    ids: ({ archived }) => helpdesk.ids(archived),
    create: (fields) => helpdesk.create(fields),
    update: (id, fields) => helpdesk.update(id, fields),
    archive: (id) => helpdesk.archive(id),
    restore: (id) => helpdesk.restore(id),
    touch: (id) => helpdesk.touch(id),
    remove: (id) => helpdesk.remove(id),
    throttle: ({ retryAfterSeconds = 1, times = 2 } = {}) => {
      server.faults.throttle({
        times,
        retryAfter: String(retryAfterSeconds),
        body: { error: { code: "rate_limited", message: "Too many requests: 120 per minute per API key." } }
      })
    },
    failNextPage: ({ kind = "status" } = {}) => {
      server.faults.inject(
        kind === "malformed"
          ? { kind: "malformed" }
          : { kind: "status", status: 500, body: { error: { code: "internal_error", message: "Something went wrong." } } },
        { match: (request) => request.path === Api.paths.contacts && request.query.has("cursor") }
      )
    },
    authProblems: () =>
      server.requests.flatMap((r) => {
        const key = bearerOf(r.headers["authorization"])
        if (key === undefined) return [`${r.method} ${r.path}: no bearer API key`]
        return issued.has(key) ? [] : [`${r.method} ${r.path}: a key the fake never issued`]
      }),
    close: server.close
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
