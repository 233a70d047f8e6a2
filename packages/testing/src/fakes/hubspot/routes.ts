import { Router } from "../kit/FakeServer.js"
import type { FakeRequest, FakeResponse } from "../kit/FakeServer.js"
import { knownProperties, pipelines } from "./data.js"
import type { ObjectType } from "./data.js"
import type { Grant } from "./oauth.js"
import { Portal } from "./portal.js"
import { isOperator } from "./store.js"
import type { Filter } from "./store.js"

/**
 * The fake's HTTP surface: CRM v3 objects (list, read, search), v4
 * association batches, owners, pipelines and the OAuth token endpoint, with
 * HubSpot's error bodies and rate-limit headers.
 *
 * @since 0.1.0
 */

/**
 * Knobs of the rate-limit headers.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitHeaders {
  /** Requests per 10-second window (`X-HubSpot-RateLimit-Max`). */
  readonly max: number
  /**
   * Also send `X-HubSpot-RateLimit-Daily(-Remaining)`. HubSpot sends them
   * only to private apps; OAuth calls have no daily limit.
   */
  readonly daily: boolean
}

const error = (portal: Portal, status: number, message: string, extra: Record<string, unknown> = {}): FakeResponse => ({
  status,
  body: { status: "error", message, correlationId: portal.correlationId(), ...extra }
})

/**
 * HubSpot's 429 body for a rate-limit policy.
 *
 * @since 0.1.0
 * @category errors
 */
export const rateLimitBody = (portal: Portal, policy: "TEN_SECONDLY_ROLLING" | "SECONDLY" | "DAILY") => ({
  status: "error",
  message: `You have reached your ${policy.toLowerCase()} limit.`,
  errorType: "RATE_LIMIT",
  correlationId: portal.correlationId(),
  policyName: policy
})

const scopeFor = (type: ObjectType) => `crm.objects.${type}.read`

const missingScope = (portal: Portal, scope: string): FakeResponse =>
  error(portal, 403, "This app was not granted every scope this call needs.", {
    errors: [{ message: "One or more of these scopes are required.", context: { requiredGranularScopes: [scope] } }],
    links: { scopes: "https://developers.hubspot.com/scopes" },
    category: "MISSING_SCOPES"
  })

/** The caller's grant, or HubSpot's refusal. */
const authenticate = (portal: Portal, request: FakeRequest): Grant | FakeResponse => {
  const header = request.headers["authorization"] ?? ""
  const match = /^Bearer (\S+)$/i.exec(header)
  if (match === null) {
    return error(portal, 401, "Authentication credentials not found: send an OAuth access token as a Bearer token.", {
      category: "INVALID_AUTHENTICATION"
    })
  }
  const verdict = portal.oauth.verify(match[1]!)
  if (!verdict.ok) {
    if (verdict.reason === "expired") {
      const minutes = Math.max(1, Math.round(verdict.expiredForMs / 60_000))
      return error(portal, 401, `The OAuth token used to make this call expired ${minutes} minute(s) ago.`, {
        category: "EXPIRED_AUTHENTICATION"
      })
    }
    return error(portal, 401, "The OAuth token used to make this call is not valid.", { category: "INVALID_AUTHENTICATION" })
  }
  if (!portal.hubExists(verdict.grant.hubId)) {
    return error(portal, 404, `Hub ${verdict.grant.hubId} is unknown to this Hublet`)
  }
  return verdict.grant
}

const isResponse = (value: Grant | FakeResponse): value is FakeResponse => "status" in value

const commaList = (query: URLSearchParams, name: string): Array<string> | undefined => {
  const values = query.getAll(name).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v.length > 0)
  return values.length === 0 ? undefined : values
}

const encodeAfter = (id: number) => Buffer.from(String(id)).toString("base64url")
const decodeAfter = (after: string): number | undefined => {
  const n = Number(Buffer.from(after, "base64url").toString())
  return Number.isSafeInteger(n) ? n : undefined
}

/**
 * Builds the router. `limited` wraps CRM answers with rate-limit headers.
 *
 * @since 0.1.0
 * @category constructors
 */
export const router = (portal: Portal, limits: RateLimitHeaders): Router => {
  let served = 0
  const rateHeaders = (): Record<string, string> => {
    served++
    return {
      "x-hubspot-ratelimit-interval-milliseconds": "10000",
      "x-hubspot-ratelimit-max": String(limits.max),
      "x-hubspot-ratelimit-remaining": String(limits.max - 1 - (served % limits.max)),
      ...(limits.daily
        ? { "x-hubspot-ratelimit-daily": "500000", "x-hubspot-ratelimit-daily-remaining": String(500_000 - served) }
        : {})
    }
  }
  const limited = (response: FakeResponse): FakeResponse => ({
    ...response,
    headers: { ...rateHeaders(), ...response.headers }
  })
  /** A CRM route: authenticated, scope-checked, typed. */
  const crm = (
    scopes: (request: FakeRequest) => ReadonlyArray<string> | FakeResponse,
    handle: (request: FakeRequest) => FakeResponse,
    options: { readonly headers: boolean } = { headers: true }
  ) =>
  (request: FakeRequest): FakeResponse => {
    const wrap = options.headers ? limited : (r: FakeResponse) => r
    const grant = authenticate(portal, request)
    if (isResponse(grant)) return wrap(grant)
    const needed = scopes(request)
    if (!Array.isArray(needed)) return wrap(needed as FakeResponse)
    const missing = (needed as ReadonlyArray<string>).find((s) => !grant.scopes.includes(s))
    if (missing !== undefined) return wrap(missingScope(portal, missing))
    return wrap(handle(request))
  }
  const typed = (name: string) => (request: FakeRequest): ReadonlyArray<string> | FakeResponse => {
    const type = request.params[name] ?? ""
    return Portal.isType(type) ? [scopeFor(type)] : error(portal, 400, `Unknown object type: ${type}`, { category: "VALIDATION_ERROR" })
  }

  const list = (request: FakeRequest): FakeResponse => {
    const type = request.params["type"] as ObjectType
    const limit = Number(request.query.get("limit") ?? "10")
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return error(portal, 400, "limit must be an integer from 1 to 100", { category: "VALIDATION_ERROR" })
    }
    const afterParam = request.query.get("after")
    const from = afterParam === null ? 0 : decodeAfter(afterParam)
    if (from === undefined) return error(portal, 400, "after is not a paging cursor this API issued", { category: "VALIDATION_ERROR" })
    const archived = request.query.get("archived") === "true"
    const properties = commaList(request.query, "properties")
    const associations = commaList(request.query, "associations") ?? []
    const collection = portal.collections[type]
    const page = collection.list(archived ? "archived" : "active", from, limit)
    return {
      status: 200,
      body: {
        results: page.ids.map((id) => portal.render(type, id, collection.view(id)!, properties, associations)),
        ...(page.resume === undefined
          ? {}
          : { paging: { next: { after: encodeAfter(page.resume), link: `?after=${encodeAfter(page.resume)}` } } })
      }
    }
  }

  const read = (request: FakeRequest): FakeResponse => {
    const type = request.params["type"] as ObjectType
    const collection = portal.collections[type]
    const archived = request.query.get("archived") === "true"
    let id = request.params["id"]!
    let entry = collection.view(id)
    // A merged-away id answers with the record it was merged into.
    if (entry?.gone === "merged" && entry.mergedInto !== undefined) {
      id = entry.mergedInto
      entry = collection.view(id)
    }
    if (entry === undefined || entry.gone !== undefined || (entry.archivedAt !== undefined) !== archived) {
      return error(portal, 404, "resource not found", { category: "OBJECT_NOT_FOUND" })
    }
    return {
      status: 200,
      body: portal.render(type, id, entry, commaList(request.query, "properties"), commaList(request.query, "associations") ?? [])
    }
  }

  const search = (request: FakeRequest): FakeResponse => {
    const type = request.params["type"] as ObjectType
    const body = (request.json ?? {}) as Record<string, unknown>
    const invalid = (message: string) => error(portal, 400, message, { category: "VALIDATION_ERROR" })
    const limit = body["limit"] === undefined ? 10 : Number(body["limit"])
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return invalid("limit must be an integer from 1 to 200")
    const after = body["after"] === undefined ? 0 : Number(body["after"])
    if (!Number.isInteger(after) || after < 0) return invalid("after must be a non-negative integer")
    if (after >= 10_000) return invalid("Search results past the first 10,000 cannot be paged through; narrow the filters.")
    const rawGroups = Array.isArray(body["filterGroups"]) ? body["filterGroups"] as Array<{ filters?: Array<Filter> }> : []
    const groups = rawGroups.map((g) => (Array.isArray(g?.filters) ? g.filters : []))
    for (const f of groups.flat()) {
      if (!knownProperties[type].has(f.propertyName)) return invalid(`There is no ${type} property named ${f.propertyName}`)
      if (!isOperator(f.operator)) return invalid(`Unsupported filter operator ${f.operator}`)
    }
    const sorts = Array.isArray(body["sorts"]) ? body["sorts"] as Array<{ propertyName?: string; direction?: string }> : []
    if (sorts.length > 1) return invalid("Search takes one sort")
    const sort = sorts[0]
    if (sort !== undefined && !knownProperties[type].has(sort.propertyName ?? "")) {
      return invalid(`There is no ${type} property named ${sort.propertyName}`)
    }
    const properties = Array.isArray(body["properties"]) ? body["properties"].map(String) : undefined
    const collection = portal.collections[type]
    const found = collection.search({
      filterGroups: groups,
      sort: sort === undefined ? undefined : { propertyName: sort.propertyName!, descending: sort.direction === "DESCENDING" },
      after,
      limit
    })
    return {
      status: 200,
      body: {
        total: found.total,
        results: found.ids.map((id) => portal.render(type, id, collection.view(id)!, properties)),
        ...(after + limit < found.total ? { paging: { next: { after: String(after + limit) } } } : {})
      }
    }
  }

  const associations = (request: FakeRequest): FakeResponse => {
    const from = request.params["from"] as ObjectType
    const to = request.params["to"] as ObjectType
    const inputs = ((request.json as { inputs?: Array<{ id?: unknown }> } | undefined)?.inputs ?? []).map((i) => String(i.id))
    if (inputs.length > 1000) return error(portal, 400, "at most 1000 inputs per batch", { category: "VALIDATION_ERROR" })
    const results: Array<unknown> = []
    const errors: Array<unknown> = []
    const primaryType = from === "deals" ? 5 : from === "contacts" ? 1 : 0
    const plainType = from === "deals" ? (to === "companies" ? 341 : 3) : to === "companies" ? 279 : 4
    for (const id of inputs) {
      const entry = portal.collections[from].view(id)
      const targets = entry === undefined || entry.gone !== undefined
        ? []
        : to === "companies" ? entry.associations.companies : to === "contacts" ? entry.associations.contacts : []
      if (targets.length === 0) {
        errors.push({
          status: "error",
          category: "VALIDATION_ERROR",
          subCategory: "crm.associations.NO_ASSOCIATIONS_FOUND",
          message: `No ${to} is associated with ${from} ${id}.`,
          context: { fromObjectId: [id] }
        })
        continue
      }
      results.push({
        from: { id },
        to: targets.map((t, i) => ({
          toObjectId: Number(t),
          associationTypes: [
            ...(i === 0 && to === "companies" && primaryType > 0
              ? [{ category: "HUBSPOT_DEFINED", typeId: primaryType, label: "Primary" }]
              : []),
            { category: "HUBSPOT_DEFINED", typeId: plainType, label: null }
          ]
        }))
      })
    }
    const now = new Date(portal.clock.now()).toISOString()
    return {
      status: errors.length > 0 ? 207 : 200,
      body: {
        status: "COMPLETE",
        results,
        ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
        startedAt: now,
        completedAt: now
      }
    }
  }

  const owners = (): FakeResponse => ({
    status: 200,
    body: {
      results: portal.data.owners.map((o) => ({
        id: o.id,
        email: o.email,
        firstName: o.firstName,
        lastName: o.lastName,
        userId: o.userId,
        createdAt: "2021-03-01T10:00:00.000Z",
        updatedAt: "2021-03-01T10:00:00.000Z",
        archived: false
      }))
    }
  })

  const dealPipelines = (): FakeResponse => ({
    status: 200,
    body: {
      results: pipelines.map((p, i) => ({
        id: p.id,
        label: p.label,
        displayOrder: i,
        archived: false,
        stages: p.stages.map((s) => ({
          id: s.id,
          label: s.label,
          displayOrder: s.displayOrder,
          metadata: { isClosed: String(s.isClosed), probability: s.probability },
          archived: false
        }))
      }))
    }
  })

  const assocScopes = (request: FakeRequest): ReadonlyArray<string> | FakeResponse => {
    const from = request.params["from"] ?? ""
    const to = request.params["to"] ?? ""
    if (!Portal.isType(from) || !Portal.isType(to)) {
      return error(portal, 400, `Unknown object type in ${from} → ${to}`, { category: "VALIDATION_ERROR" })
    }
    return [scopeFor(from), scopeFor(to)]
  }

  return new Router()
    .on("POST", "/oauth/v1/token", (request) =>
      portal.oauth.handle(new URLSearchParams(request.body), portal.correlationId(), (hub) => portal.hubExists(hub)))
    .on("GET", "/crm/v3/owners", crm(() => ["crm.objects.owners.read"], owners))
    .on("GET", "/crm/v3/pipelines/deals", crm(() => [scopeFor("deals")], dealPipelines))
    // Search answers carry no rate-limit headers; its own limit is per second.
    .on("POST", "/crm/v3/objects/:type/search", crm(typed("type"), search, { headers: false }))
    .on("GET", "/crm/v3/objects/:type", crm(typed("type"), list))
    .on("GET", "/crm/v3/objects/:type/:id", crm(typed("type"), read))
    .on("POST", "/crm/v4/associations/:from/:to/batch/read", crm(assocScopes, associations))
}
