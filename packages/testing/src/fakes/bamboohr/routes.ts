import type { FakeRequest, FakeResponse } from "../kit/FakeServer.js"
import { Router } from "../kit/FakeServer.js"
import type { EmployeeRow } from "./data.js"
import type { Directory } from "./directory.js"
import { EMPLOYEE_FIELDS, employeeField, LIST_FIELDS, lookup } from "./fields.js"

/**
 * BambooHR's employee endpoints as the fake serves them, under a leading
 * company-domain segment: `/{companyDomain}/api/v1/...`.
 *
 * @since 0.1.0
 */

/**
 * What an API key's user may see. `admin`: everything; `restricted`: employee
 * data without compensation and personal fields (like a manager's access
 * level: left out of Get Employee answers, `null` and named in
 * `_restrictedFields` in list answers); `none`: no employee data at all.
 *
 * @since 0.1.0
 * @category models
 */
export type Role = "admin" | "restricted" | "none"

/**
 * An API key's user.
 *
 * @since 0.1.0
 * @category models
 */
export interface Account {
  readonly role: Role
  /** The employee record of the key's user (`GET /employees/0`). */
  readonly employeeId: string
}

const bambooError = (status: number, message: string, body?: unknown): FakeResponse => ({
  status,
  headers: { "x-bamboohr-message": message },
  ...(body === undefined ? {} : { body })
})

const v1Error = (status: number, code: string, message: string): FakeResponse =>
  bambooError(status, message, { error: { code, message } })

const wantsJson = (request: FakeRequest): boolean => (request.headers["accept"] ?? "").includes("application/json")

/** BambooHR answers XML unless JSON is asked for. */
const xml = (root: string): FakeResponse => ({
  status: 200,
  headers: { "content-type": "text/xml; charset=utf-8" },
  body: `<?xml version="1.0"?>\n<${root}/>`
})

const encodeCursor = (kind: "after" | "before", id: string): string =>
  Buffer.from(JSON.stringify({ cursor: `${kind}-${id}` })).toString("base64")

const decodeCursor = (cursor: string, kind: "after" | "before"): number | undefined => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64").toString("utf8"))
    const text = typeof parsed === "object" && parsed !== null ? (parsed as { cursor?: unknown }).cursor : undefined
    const match = typeof text === "string" ? new RegExp(`^${kind}-(\\d+)$`).exec(text) : null
    return match === null ? undefined : Number(match[1])
  } catch {
    return undefined
  }
}

/**
 * Options of {@link router}.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouterOptions {
  readonly directory: Directory
  readonly account: (request: FakeRequest) => Account | undefined
  readonly defaultPageLimit: number
  readonly maxPageLimit: number
}

/**
 * The fake's routes. The `before` hook (auth, company domain) has already run.
 *
 * @since 0.1.0
 * @category constructors
 */
export const router = (options: RouterOptions): Router => {
  const { directory } = options
  const values = lookup(directory)
  const accountOf = (request: FakeRequest): Account => options.account(request) ?? { role: "none", employeeId: "0" }

  const listEmployees = (request: FakeRequest): FakeResponse => {
    const account = accountOf(request)
    const q = request.query
    const limitText = q.get("page[limit]")
    const limit = limitText === null ? options.defaultPageLimit : Number(limitText)
    if (!Number.isInteger(limit) || limit < 1 || limit > options.maxPageLimit) {
      return v1Error(400, "BadRequest", `page[limit] must be an integer from 1 to ${options.maxPageLimit}.`)
    }
    const status = q.get("filter[status]")
    if (status !== null && status !== "active" && status !== "inactive") {
      return v1Error(400, "BadRequest", "filter[status] must be active or inactive.")
    }
    // Both documented forms: repeated `filter[ids][]=` keys, or one comma-separated `filter[ids]=`.
    const idTexts = [...q.getAll("filter[ids]"), ...q.getAll("filter[ids][]")].flatMap((v) => v.split(","))
      .map((s) => s.trim())
      .filter((s) => s !== "")
    if (idTexts.some((s) => !/^\d{1,15}$/.test(s))) {
      return v1Error(400, "BadRequest", "filter[ids] must be employee ids (integers).")
    }
    const ids = idTexts.length === 0 ? undefined : [...new Set(idTexts.map(Number))].sort((a, b) => a - b)
    const contains = (value: string | null, needle: string | null) =>
      needle === null || (value ?? "").toLowerCase().includes(needle.toLowerCase())
    const [firstName, lastName, jobTitle] = [q.get("filter[firstName]"), q.get("filter[lastName]"), q.get("filter[jobTitleName]")]
    const filtered = status !== null || firstName !== null || lastName !== null || jobTitle !== null
    const keep = (row: EmployeeRow) =>
      (status === null || row.status.toLowerCase() === status) &&
      contains(row.firstName, firstName) &&
      contains(row.lastName, lastName) &&
      contains(row.jobTitleName, jobTitle)

    let afterId = 0
    const after = q.get("page[after]")
    if (after !== null) {
      const decoded = decodeCursor(after, "after")
      if (decoded === undefined) return v1Error(400, "BadPage", "The page cursor is malformed.")
      // BambooHR refuses a cursor whose boundary employee is gone or no longer matches the filter.
      const boundary = directory.get(String(decoded))
      if (boundary === undefined || !keep(boundary) || (ids !== undefined && !ids.includes(decoded))) {
        return v1Error(400, "BadPage", "The employee at the page boundary changed; restart from the first page.")
      }
      afterId = decoded
    }

    // A batch by ids looks each one up; only other filters need a scan (for `total`).
    const selected = ids === undefined
      ? { ...directory.page(afterId, limit, keep), total: undefined }
      : directory.byIds(ids, afterId, limit, keep)
    // Names the list does not know are ignored.
    const requested = (q.get("fields") ?? "").split(",").map((s) => s.trim()).filter((s) => LIST_FIELDS.has(s))
    const { rows, more } = selected
    const data = rows.map((row) => {
      const restricted: Array<string> = []
      const item: Record<string, unknown> = {
        employeeId: row.id,
        firstName: row.firstName,
        lastName: row.lastName,
        preferredName: row.preferredName,
        photoUrl: row.photoUrl,
        jobTitleName: row.jobTitleName,
        status: row.status
      }
      for (const name of requested) {
        const field = LIST_FIELDS.get(name)!
        if (account.role !== "admin" && field.restricted) {
          item[name] = null
          restricted.push(name)
        } else {
          item[name] = field.value(row, values)
        }
      }
      item["_restrictedFields"] = restricted
      return item
    })
    const total = selected.total ?? (filtered ? directory.page(0, Number.MAX_SAFE_INTEGER, keep).rows.length : directory.count)
    const nextCursor = more && rows.length > 0 ? encodeCursor("after", rows[rows.length - 1]!.id) : null
    const prevCursor = after !== null && rows.length > 0 ? encodeCursor("before", rows[0]!.id) : null
    const self = `/api/v1/employees?${q.toString()}`
    const next = new URLSearchParams(q)
    if (nextCursor !== null) next.set("page[after]", nextCursor)
    return {
      status: 200,
      body: {
        data,
        meta: { total, page: { limit, nextCursor, prevCursor } },
        _links: {
          self: { href: self },
          ...(nextCursor === null ? {} : { next: { href: `/api/v1/employees?${next.toString()}` } })
        }
      }
    }
  }

  const getEmployee = (request: FakeRequest): FakeResponse => {
    const account = accountOf(request)
    const id = request.params["id"] === "0" ? account.employeeId : request.params["id"]!
    const row = directory.get(id)
    if (row === undefined) return bambooError(404, "Employee not found")
    const names = (request.query.get("fields") ?? "firstName,lastName").split(",").map((s) => s.trim()).filter((s) => s !== "")
    if (names.length > 400) return bambooError(400, "At most 400 fields may be requested at once.")
    if (!wantsJson(request)) return xml(`employee id="${row.id}"`)
    const body: Record<string, unknown> = { id: row.id }
    for (const name of names) {
      const field = employeeField(name)
      // Unknown names and fields the user may not see are left out, not answered null.
      if (field === undefined || (account.role !== "admin" && field.restricted)) continue
      body[name] = field.value(row, values)
    }
    return { status: 200, body }
  }

  const changed = (request: FakeRequest): FakeResponse => {
    const since = request.query.get("since")
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
    const sinceMs = since === null || !iso.test(since) ? Number.NaN : Date.parse(since)
    if (Number.isNaN(sinceMs)) return bambooError(400, "The since parameter must be an ISO 8601 timestamp.")
    const type = (request.query.get("type") ?? "all").toLowerCase()
    if (!["inserted", "updated", "deleted", "all"].includes(type)) {
      return bambooError(400, "The type parameter must be inserted, updated, deleted or all.")
    }
    if (!wantsJson(request)) return xml("employees")
    const changes = directory.changesSince(sinceMs).filter((c) => type === "all" || c.action.toLowerCase() === type)
    const employees: Record<string, unknown> = {}
    let latest: string | null = null
    for (const c of changes) {
      employees[c.id] = { id: c.id, action: c.action, lastChanged: c.lastChanged }
      if (latest === null || Date.parse(c.lastChanged) > Date.parse(latest)) latest = c.lastChanged
    }
    return { status: 200, body: { latest, employees } }
  }

  const metaFields = (request: FakeRequest): FakeResponse => {
    const account = accountOf(request)
    if (!wantsJson(request)) return xml("fields")
    return {
      status: 200,
      body: [...EMPLOYEE_FIELDS].flatMap(([alias, field], i) =>
        account.role === "admin" || !field.restricted ? [{ id: 4000 + i, name: field.name, type: field.type, alias }] : []
      )
    }
  }

  return new Router()
    .on("GET", "/:domain/api/v1/employees", listEmployees)
    .on("GET", "/:domain/api/v1/employees/changed", changed)
    .on("GET", "/:domain/api/v1/employees/:id", getEmployee)
    .on("GET", "/:domain/api/v1/meta/fields", metaFields)
}
