import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as FakeServer from "../kit/FakeServer.js"
import type { Faults } from "../kit/Faults.js"
import * as Seeded from "../kit/Seeded.js"
import { Access, type Keys, keysFor, type Permission, type RateLimitOptions, RateWindow } from "./access.js"
import { type CandidatePatch, type InvalidRecords, type JobPatch, Organisation } from "./organisation.js"
import type { ApplicationJson, CandidateJson, JobJson } from "./records.js"
import { permissionFor, router } from "./routes.js"

/**
 * A fake Greenhouse Harvest v1 API on 127.0.0.1: seeded candidates (1–3
 * applications each, about 8% of them prospects on zero to three jobs) across
 * open, closed and draft jobs; Harvest's Basic auth with per-endpoint key
 * permissions, paging, "changed since" filters, rate-limit headers, and
 * mutations that move `updated_at` / `last_activity_at` on a logical clock
 * sent as `Date`.
 *
 * Records carry what Harvest documents, deterministic from the seed:
 * attachments (links signed anew in every answer, as Harvest's expiring ones
 * are), educations, employments, every active custom field (`custom_fields`
 * and `keyed_custom_fields`), prospects' pools, owners and prospective
 * departments and offices, job notes, and departments and offices in trees.
 *
 * @example
 * ```ts
 * import { GreenhouseFake } from "@weft/testing"
 * const fake = await GreenhouseFake.start({ size: 500, seed: 7 })
 * const { candidate } = fake.createCandidate({ first_name: "Ada" })
 * fake.rejectApplication(fake.applicationsOf(candidate.id)[0]!.id)
 * await fake.close()
 * ```
 * @since 0.1.0
 */

export type {
  ApplicationJson,
  AttachmentJson,
  CandidateJson,
  CustomFieldsJson,
  DepartmentJson,
  EducationJson,
  EmploymentJson,
  JobJson,
  KeyedCustomField,
  OfficeJson
} from "./records.js"
export type { CandidatePatch, InvalidRecords, JobPatch } from "./organisation.js"
export type { Keys, Permission, RateLimitOptions } from "./access.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Seeded candidates (up to 1,000,000); default 250. Applications follow (1–3 each). */
  readonly size?: number
  /** Seeded jobs; default `size`. */
  readonly jobs?: number
  readonly seed?: number
  /** Seeded records carrying a value the common models reject. */
  readonly invalid?: InvalidRecords
  /** `X-RateLimit-*` headers on every answer; `enforce` answers 429 once a window is spent. */
  readonly rateLimit?: RateLimitOptions
  /** The logical clock's start (ms); seeded timestamps end a day before it. */
  readonly startAt?: number
}

/**
 * The collections of the fake.
 *
 * @since 0.1.0
 * @category models
 */
export type CollectionName = "candidates" | "applications" | "jobs"

/**
 * A running fake.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fake {
  /** `http://127.0.0.1:<port>`; the API is under `/v1`. */
  readonly url: string
  readonly keys: Keys
  readonly clock: Seeded.FakeClock
  readonly faults: Faults
  readonly requests: ReadonlyArray<FakeServer.RecordedRequest>
  readonly close: () => Promise<void>
  /** Requests whose `Authorization` was not the key as Basic user with a blank password. */
  readonly authProblems: () => ReadonlyArray<string>
  /** Issues a key with some permissions, or revokes one. */
  readonly grant: (key: string, permissions: ReadonlyArray<Permission>) => void
  readonly revoke: (key: string) => void
  /** Live records per collection. */
  readonly counts: () => { readonly candidates: number; readonly applications: number; readonly jobs: number }
  readonly candidate: (id: number) => CandidateJson | undefined
  readonly application: (id: number) => ApplicationJson | undefined
  readonly job: (id: number) => JobJson | undefined
  readonly applicationsOf: (candidateId: number) => ReadonlyArray<ApplicationJson>
  /** The first live record (in id order) matching `predicate`, skipping ids in `except`. */
  readonly findCandidate: (predicate: (c: CandidateJson) => boolean, except?: ReadonlyArray<number>) => CandidateJson | undefined
  readonly findApplication: (predicate: (a: ApplicationJson) => boolean, except?: ReadonlyArray<number>) => ApplicationJson | undefined
  readonly findJob: (predicate: (j: JobJson) => boolean, except?: ReadonlyArray<number>) => JobJson | undefined
  // mutations: each advances the clock by a second and stamps what it changes
  readonly createCandidate: Organisation["createCandidate"]
  readonly updateCandidate: (id: number, patch: CandidatePatch) => CandidateJson
  readonly addApplication: (candidateId: number, jobId: number) => ApplicationJson
  readonly rejectApplication: (id: number, reasonId?: number) => ApplicationJson
  readonly hireApplication: Organisation["hireApplication"]
  readonly deleteCandidate: Organisation["deleteCandidate"]
  readonly deleteApplication: (id: number) => void
  readonly closeJob: (id: number) => JobJson
  readonly createJob: Organisation["createJob"]
  readonly updateJob: (id: number, patch: JobPatch) => JobJson
  /** Sets (`null`: clears) a candidate's or a job's custom field by its immutable key (e.g. `graduation_year_1`). */
  readonly setCustomField: Organisation["setCustomField"]
  /** The next `times` requests get 429 (or 503) with `Retry-After` and spent rate-limit headers. */
  readonly throttle: (options: { readonly times: number; readonly retryAfterSeconds?: number; readonly status?: 429 | 503 }) => void
  /** The next list request of `collection` past its first page fails (HTTP 500 or a truncated body). */
  readonly failMidRead: (collection: CollectionName, kind?: "500" | "malformed") => void
}

const MAX_SIZE = 1_000_000

const scan = <R extends { readonly id: number }, P>(
  slice: (offset: number, limit: number) => ReadonlyArray<R>,
  present: (record: R) => P,
  predicate: (p: P) => boolean,
  except: ReadonlyArray<number>
): P | undefined => {
  const skip = new Set(except)
  for (let offset = 0; ; offset += 200) {
    const items = slice(offset, 200)
    if (items.length === 0) return undefined
    for (const record of items) {
      if (skip.has(record.id)) continue
      const presented = present(record)
      if (predicate(presented)) return presented
    }
  }
}

/**
 * Starts a fake.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: Options = {}): Promise<Fake> => {
  const size = options.size ?? 250
  if (!Number.isInteger(size) || size < 0 || size > MAX_SIZE) {
    throw new RangeError(`Greenhouse fake: size must be an integer from 0 to ${MAX_SIZE}, got ${size}`)
  }
  const seed = options.seed ?? 1
  const clock = new Seeded.FakeClock(options.startAt)
  const org = new Organisation({ seed, candidates: size, jobs: options.jobs ?? Math.max(1, size), invalid: options.invalid }, clock)
  const access = new Access(keysFor(seed))
  const rate = new RateWindow(options.rateLimit)
  let url = ""
  const server = await FakeServer.start(router(org, () => url), {
    before: (request) => access.verify(request, permissionFor(request.method, request.path)) ?? rate.take(clock),
    headers: () => ({
      date: new Date(clock.now()).toUTCString(),
      "x-ratelimit-limit": String(rate.limit),
      "x-ratelimit-remaining": String(rate.remaining)
    })
  })
  url = server.url
  const listPath = (collection: CollectionName) => `/v1/${collection}`
  return {
    url,
    keys: access.keys,
    clock,
    faults: server.faults,
    requests: server.requests,
    close: server.close,
    authProblems: () => [...access.problems],
    grant: (key, permissions) => access.grant(key, permissions),
    revoke: (key) => access.revoke(key),
    counts: () => ({ candidates: org.candidates.size, applications: org.applications.size, jobs: org.jobs.size }),
    candidate: (id) => org.candidate(id),
    application: (id) => org.application(id),
    job: (id) => org.job(id),
    applicationsOf: (id) => org.applicationsOf(id),
    findCandidate: (predicate, except = []) =>
      scan((o, l) => org.candidates.slice(o, l).items, (c) => org.presentCandidate(c), predicate, except),
    findApplication: (predicate, except = []) =>
      scan((o, l) => org.applications.slice(o, l).items, (a) => org.presentApplication(a), predicate, except),
    findJob: (predicate, except = []) => scan((o, l) => org.jobs.slice(o, l).items, (j) => j, predicate, except),
    createCandidate: (input) => org.createCandidate(input),
    updateCandidate: (id, patch) => org.updateCandidate(id, patch),
    addApplication: (candidateId, jobId) => org.addApplication(candidateId, jobId),
    rejectApplication: (id, reasonId) => org.rejectApplication(id, reasonId),
    hireApplication: (id) => org.hireApplication(id),
    deleteCandidate: (id) => org.deleteCandidate(id),
    deleteApplication: (id) => org.deleteApplication(id),
    closeJob: (id) => org.closeJob(id),
    createJob: (input) => org.createJob(input),
    updateJob: (id, patch) => org.updateJob(id, patch),
    setCustomField: (on, id, fieldKey, value) => org.setCustomField(on, id, fieldKey, value),
    throttle: ({ times, retryAfterSeconds = 1, status = 429 }) => {
      server.faults.throttle({
        times,
        status,
        retryAfter: String(retryAfterSeconds),
        headers: {
          "x-ratelimit-limit": String(rate.limit),
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(Math.ceil(clock.now() / 1000) + retryAfterSeconds)
        },
        body: status === 429 ? { message: "Rate limit exceeded" } : { message: "Service Unavailable" }
      })
    },
    failMidRead: (collection, kind = "500") => {
      const match = (request: FakeServer.FakeRequest) =>
        request.path === listPath(collection) && Number(request.query.get("page") ?? "1") >= 2
      if (kind === "malformed") server.faults.inject({ kind: "malformed" }, { match })
      else server.faults.inject({ kind: "status", status: 500, body: { message: "Internal Server Error" } }, { match })
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
  Effect.acquireRelease(
    Effect.promise(() => start(options)),
    (fake) => Effect.promise(() => fake.close())
  )
