import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as FakeServer from "../kit/FakeServer.js"
import type { Faults } from "../kit/Faults.js"
import { FakeClock } from "../kit/Seeded.js"
import type { EmployeeRow } from "./data.js"
import { Directory, type EmployeeFields } from "./directory.js"
import { type Account, type Role, router } from "./routes.js"

/**
 * A fake BambooHR: a real HTTP server on 127.0.0.1 serving one seeded company
 * under `/{companyDomain}/api/v1/...` with BambooHR's employee list (cursor
 * pages, optional `fields` with restricted values `null` and named in
 * `_restrictedFields`, `filter[ids]` in both documented forms looked up by id
 * rather than scanned), Get Employee, the changed-employees feed and the
 * field list; Basic auth with the API key as user; per-key access levels;
 * 503 + `Retry-After` throttling; and mutations that move `lastChanged` on a
 * logical clock.
 *
 * Each endpoint answers only to BambooHR's own names for it (`fields.ts`):
 * Get Employee to the field list's aliases (`dateOfBirth`, `maritalStatus`,
 * `jobTitle`, `employmentHistoryStatus`, `supervisorEId`, …), the list to
 * its optional fields (`birthDate`, `departmentName`, `reportsToId`, …); an
 * unknown name is left out of the answer. As in real accounts, employee
 * numbers are not ids (`supervisorId` is the manager's number,
 * `supervisorEId` their id) and home countries are free text ("United
 * States", now and then "USA" or "England").
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { BambooHR } from "@weft/connectors"
 * import { BambooHRFake } from "@weft/testing"
 *
 * const program = Effect.gen(function*() {
 *   const fake = yield* BambooHRFake.scoped({ size: 500, seed: 7 })
 *   const bamboo = BambooHR.connector({ baseUrl: fake.baseUrl }) // or { fields: "extended" }
 *   fake.hire(); fake.terminate(fake.randomIds(1, { active: true })[0]!)
 *   return bamboo
 * }).pipe(Effect.scoped) // the fake stops with the scope
 * ```
 * @since 0.1.0
 */

export type { Account, EmployeeFields, EmployeeRow, Role }

/**
 * API keys the fake knows out of the box, one per access level.
 *
 * @since 0.1.0
 * @category constants
 */
export const keys = {
  /** A Full Admin's key: sees everything. */
  admin: "bhr-5f0c2a9e7d1b4c36a8e2d9f14b7c60aa",
  /** A manager-level user's key: employees, but no compensation or personal fields. */
  restricted: "bhr-6b2e91d04f7a8c5319de47a0c2b85f11",
  /** A user without access to employee data. */
  noAccess: "bhr-3d8f17c25e9b0a64f1c7e2d8a95b3c22"
} as const

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Employees at start (ids 1..size). Default 100. Up to 1,000,000 is cheap. */
  readonly size?: number
  /** Default 1. */
  readonly seed?: number
  /** The one company domain the fake answers for. Default `"acme"`. */
  readonly companyDomain?: string
  /** `page[limit]` when none is given (BambooHR: 250). */
  readonly defaultPageLimit?: number
  /** The largest `page[limit]` accepted (BambooHR: 2500). */
  readonly maxPageLimit?: number
  /** Extra API keys and their users' access level. */
  readonly apiKeys?: Readonly<Record<string, Role>>
  /** How far the logical clock moves per mutation. Default 60 s. */
  readonly tickMs?: number
}

/**
 * A running fake.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fake {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly companyDomain: string
  /** Maps a company domain to its base URL on this fake (the connector's `baseUrl` option). */
  readonly baseUrl: (companyDomain: string) => string
  readonly clock: FakeClock
  readonly faults: Faults
  readonly requests: ReadonlyArray<FakeServer.RecordedRequest>
  /** Employees currently in the company (active and inactive). */
  readonly count: () => number
  readonly get: (id: string) => EmployeeRow | undefined
  /** Hires an active employee; `Inserted` in the feed. */
  readonly hire: (fields?: EmployeeFields) => EmployeeRow
  /** Changes fields; `Updated` in the feed. Fails on an unknown id. */
  readonly update: (id: string, fields: EmployeeFields) => EmployeeRow
  readonly changeTitle: (id: string, title: string) => EmployeeRow
  /** Status Inactive, a termination date, employment status "Terminated". */
  readonly terminate: (id: string, date?: string) => EmployeeRow
  /** Deletes the employee: gone from lists, `Deleted` in the feed. */
  readonly remove: (id: string) => void
  /** Gives the employee a work e-mail that is not an e-mail address. */
  readonly corrupt: (id: string) => EmployeeRow
  /** `n` distinct current ids, deterministic from the seed. */
  readonly randomIds: (n: number, options?: { readonly active?: boolean }) => ReadonlyArray<string>
  /** The next `times` requests answer 503 with `Retry-After` (BambooHR's throttling). */
  readonly throttle: (options?: { readonly times?: number; readonly retryAfter?: string }) => void
  /** The next request for a second-or-later list page answers `status` (default 500). */
  readonly failListPage: (options?: { readonly status?: number; readonly times?: number }) => void
  /** The next request for a second-or-later list page answers a truncated JSON body. */
  readonly malformedListPage: () => void
  /** Requests that did not carry `Authorization: Basic <key>:x`, described. */
  readonly authProblems: () => ReadonlyArray<string>
  readonly close: () => Promise<void>
}

const basicCredentials = (header: string | undefined): { readonly user: string; readonly password: string } | undefined => {
  const match = header === undefined ? null : /^Basic\s+(\S+)$/i.exec(header)
  if (match === null) return undefined
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

const isLaterListPage = (request: { readonly path: string; readonly query: URLSearchParams }) =>
  /\/api\/v1\/employees\/?$/.test(request.path) && request.query.has("page[after]")

/**
 * Starts a fake BambooHR.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: Options = {}): Promise<Fake> => {
  const companyDomain = options.companyDomain ?? "acme"
  const directory = new Directory(options.seed ?? 1, options.size ?? 100, companyDomain, options.tickMs ?? 60_000, new FakeClock())
  const accounts = new Map<string, Account>([
    [keys.admin, { role: "admin", employeeId: "1" }],
    [keys.restricted, { role: "restricted", employeeId: "2" }],
    [keys.noAccess, { role: "none", employeeId: "3" }],
    ...Object.entries(options.apiKeys ?? {}).map(([key, role]): [string, Account] => [key, { role, employeeId: "1" }])
  ])
  const account = (request: { readonly headers: Readonly<Record<string, string | undefined>> }) => {
    const credentials = basicCredentials(request.headers["authorization"])
    return credentials === undefined ? undefined : accounts.get(credentials.user)
  }

  const server = await FakeServer.start(
    router({
      directory,
      account,
      defaultPageLimit: options.defaultPageLimit ?? 250,
      maxPageLimit: options.maxPageLimit ?? 2500
    }),
    {
      headers: () => ({ date: new Date(directory.clock.now()).toUTCString() }),
      before: (request) => {
        const domain = request.path.split("/")[1] ?? ""
        if (domain !== companyDomain || !request.path.startsWith(`/${domain}/api/`)) {
          // An unknown company: BambooHR has no account behind that subdomain.
          return { status: 404, headers: { "x-bamboohr-message": "Company not found" }, body: "" }
        }
        const found = account(request)
        if (found === undefined) {
          return {
            status: 401,
            headers: { "www-authenticate": 'Basic realm="BambooHR API"', "x-bamboohr-message": "Invalid API key" },
            body: ""
          }
        }
        if (found.role === "none") {
          const message = "The API user does not have permission to access employee data."
          return {
            status: 403,
            headers: { "x-bamboohr-message": message },
            body: { error: { code: "Forbidden", message } }
          }
        }
        return undefined
      }
    }
  )

  const must = (id: string, row: EmployeeRow | undefined): EmployeeRow => {
    if (row === undefined) throw new Error(`BambooHR fake: no employee ${id}`)
    return row
  }

  return {
    url: server.url,
    companyDomain,
    baseUrl: (domain) => `${server.url}/${domain}`,
    clock: directory.clock,
    faults: server.faults,
    requests: server.requests,
    count: () => directory.count,
    get: (id) => directory.get(id),
    hire: (fields) => directory.hire(fields),
    update: (id, fields) => must(id, directory.update(id, fields)),
    changeTitle: (id, title) => must(id, directory.update(id, { jobTitleName: title })),
    terminate: (id, date) => must(id, directory.terminate(id, date)),
    remove: (id) => {
      if (!directory.remove(id)) throw new Error(`BambooHR fake: no employee ${id}`)
    },
    corrupt: (id) => must(id, directory.update(id, { workEmail: "not an e-mail address" })),
    randomIds: (n, o) => directory.randomIds(n, o),
    throttle: (o = {}) => {
      server.faults.throttle({
        times: o.times ?? 2,
        status: 503,
        retryAfter: o.retryAfter ?? "1",
        headers: { "x-bamboohr-message": "Service temporarily unavailable. Please retry." },
        body: ""
      })
    },
    failListPage: (o = {}) => {
      server.faults.inject(
        { kind: "status", status: o.status ?? 500, headers: { "x-bamboohr-message": "There was an unknown server error" }, body: "" },
        { times: o.times ?? 1, match: isLaterListPage }
      )
    },
    malformedListPage: () => {
      server.faults.inject({ kind: "malformed" }, { match: isLaterListPage })
    },
    authProblems: () =>
      server.requests.flatMap((r) => {
        const credentials = basicCredentials(r.headers["authorization"])
        if (credentials === undefined) return [`${r.method} ${r.path}: no Basic authorization`]
        if (credentials.password !== "x") return [`${r.method} ${r.path}: password is not "x"`]
        return []
      }),
    close: server.close
  }
}

/**
 * {@link start} as a scoped Effect: the server closes with the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const scoped = (options: Options = {}): Effect.Effect<Fake, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => start(options)),
    (fake) => Effect.promise(() => fake.close())
  )
