import { type FakeRequest, type FakeResponse, Router } from "../kit/FakeServer.js"
import type { Permission } from "./access.js"
import type { Collection, Filter, TimeFilter } from "./collection.js"
import type { Organisation } from "./organisation.js"

/**
 * The Harvest v1 endpoints the fake serves: list and retrieve for
 * candidates, applications and jobs, with Harvest's paging (`page`,
 * `per_page` ≤ 500, `Link` with `next`/`prev`/`last`, `skip_count`), its
 * "changed since" filters and its 404/422 answers.
 *
 * @since 0.1.0
 */

/**
 * The permission a request needs, from its method and path.
 *
 * @since 0.1.0
 * @category routing
 */
export const permissionFor = (method: string, path: string): Permission | undefined => {
  if (method !== "GET") return undefined
  const match = /^\/v1\/(candidates|applications|jobs)(\/[^/]+)?\/?$/.exec(path)
  if (match === null) return undefined
  return `${match[1] as "candidates" | "applications" | "jobs"}.${match[2] === undefined ? "list" : "get"}`
}

const NOT_FOUND: FakeResponse = { status: 404, body: { message: "Resource not found" } }

class Invalid {
  constructor(readonly field: string, readonly message: string) {}
  response(): FakeResponse {
    return { status: 422, body: { message: "Validation error", errors: [{ message: this.message, field: this.field }] } }
  }
}

const integer = (query: URLSearchParams, field: string, fallback: number, min: number, max: number): number => {
  const raw = query.get(field)
  if (raw === null || raw === "") return fallback
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!(n >= min && n <= max)) throw new Invalid(field, `Must be an integer between ${min} and ${max}`)
  return n
}

const instant = (query: URLSearchParams, field: string): number | undefined => {
  const raw = query.get(field)
  if (raw === null || raw === "") return undefined
  const ms = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : Number.NaN
  if (Number.isNaN(ms)) throw new Invalid(field, "Timestamp must be in ISO-8601 format")
  return ms
}

const linkHeader = (baseUrl: string, request: FakeRequest, page: number, perPage: number, total: number): string | undefined => {
  const at = (p: number) => {
    const query = new URLSearchParams(request.query)
    query.set("page", String(p))
    query.set("per_page", String(perPage))
    return `<${baseUrl}${request.path}?${query.toString()}>`
  }
  const last = Math.max(1, Math.ceil(total / perPage))
  const links: Array<string> = []
  if (page < last) links.push(`${at(page + 1)}; rel="next"`)
  if (page > 1) links.push(`${at(Math.min(page - 1, last))}; rel="prev"`)
  if (request.query.get("skip_count") !== "true") links.push(`${at(last)}; rel="last"`)
  // Harvest sends no Link header when everything fits on the first page.
  return page === 1 && last === 1 ? undefined : links.join(", ")
}

const list = <R extends { readonly id: number }>(
  baseUrl: () => string,
  request: FakeRequest,
  collection: Collection<R>,
  filter: (query: URLSearchParams) => Filter<R> | undefined,
  present: (record: R) => unknown
): FakeResponse => {
  try {
    const perPage = integer(request.query, "per_page", 100, 1, 500)
    const page = integer(request.query, "page", 1, 1, Number.MAX_SAFE_INTEGER)
    const { items, total } = collection.slice((page - 1) * perPage, perPage, filter(request.query))
    const link = linkHeader(baseUrl(), request, page, perPage, total)
    return { status: 200, headers: link === undefined ? {} : { link }, body: items.map(present) }
  } catch (error) {
    if (error instanceof Invalid) return error.response()
    throw error
  }
}

const one = <R>(request: FakeRequest, get: (id: number) => R | undefined): FakeResponse => {
  const id = request.params["id"] ?? ""
  const record = /^\d+$/.test(id) ? get(Number(id)) : undefined
  return record === undefined ? NOT_FOUND : { status: 200, body: record }
}

const times = (query: URLSearchParams, after: string): TimeFilter => ({
  after: instant(query, after),
  before: instant(query, "updated_before"),
  createdAfter: instant(query, "created_after"),
  status: query.get("status") ?? undefined
})

/**
 * The router of a fake organisation. `baseUrl` is read when a `Link` is
 * written (the port is known only once the server listens).
 *
 * @since 0.1.0
 * @category constructors
 */
export const router = (org: Organisation, baseUrl: () => string): Router => {
  // Each answer signs its attachment links anew.
  const answer = (handle: (request: FakeRequest) => FakeResponse) => (request: FakeRequest): FakeResponse => {
    org.beginAnswer()
    return handle(request)
  }
  return new Router()
    .on("GET", "/v1/candidates", answer((request) =>
      list(baseUrl, request, org.candidates, (q) => org.candidateFilter({ ...times(q, "updated_after"), status: undefined }), (c) =>
        org.presentCandidate(c))))
    .on("GET", "/v1/candidates/:id", answer((request) => one(request, (id) => org.candidate(id))))
    .on("GET", "/v1/applications", answer((request) =>
      list(baseUrl, request, org.applications, (q) => org.applicationFilter({ ...times(q, "last_activity_after"), before: undefined }), (a) =>
        org.presentApplication(a))))
    .on("GET", "/v1/applications/:id", answer((request) => one(request, (id) => org.application(id))))
    .on("GET", "/v1/jobs", answer((request) => list(baseUrl, request, org.jobs, (q) => org.jobFilter(times(q, "updated_after")), (j) => j)))
    .on("GET", "/v1/jobs/:id", answer((request) => one(request, (id) => org.job(id))))
}
