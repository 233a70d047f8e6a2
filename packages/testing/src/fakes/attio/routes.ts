import type { FakeRequest, FakeResponse } from "../kit/FakeServer.js"
import { Router } from "../kit/FakeServer.js"
import type { FakeClock } from "../kit/Seeded.js"
import type { Grant } from "./auth.js"
import { authenticate, requireScopes } from "./auth.js"
import { AttioError, invalid, notFound } from "./errors.js"
import { uuid } from "./ids.js"
import type { InputValues } from "./input.js"
import type { Actor, ObjectSlug } from "./values.js"
import type { Workspace } from "./workspace.js"
import { workspaceSlug } from "./workspace.js"

/**
 * The Attio endpoints the fake serves: identify (`/v2/self`), the records
 * query with `limit` / `offset`, and get / create / update / delete of
 * records, with Attio's auth, scope checks and error shapes.
 *
 * @since 0.1.0
 */

/**
 * Attio's documented default (and the connector's) page size.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_LIMIT = 500

const READ = ["record_permission:read", "object_configuration:read"]
const WRITE = ["record_permission:read-write", "object_configuration:read"]

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const ok = (body: unknown, status = 200): FakeResponse => ({ status, body })

/**
 * What the routes need besides the workspace.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouteOptions {
  readonly workspace: Workspace
  readonly grants: ReadonlyMap<string, Grant>
  readonly clock: FakeClock
  readonly workspaceName: string
}

/**
 * Builds the router.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRouter = (options: RouteOptions): Router => {
  const { workspace, grants, clock } = options
  const ids = workspace.ids
  const apiToken: Actor = { type: "api-token", id: uuid(ids.seed, "api-token") }

  // Runs a handler with the request's grant; Attio errors become their JSON.
  const route = (handler: (request: FakeRequest, grant: Grant) => FakeResponse) => (request: FakeRequest): FakeResponse => {
    try {
      return handler(request, authenticate(grants, request))
    } catch (error) {
      if (error instanceof AttioError) return { status: error.status, body: error.body }
      throw error
    }
  }

  const objectOf = (slug: string | undefined): ObjectSlug => {
    if (slug === "companies" || slug === ids.objectId.companies) return "companies"
    if (slug === "people" || slug === ids.objectId.people) return "people"
    throw notFound(`Object with slug/ID "${slug ?? ""}" not found.`)
  }

  const valuesOf = (request: FakeRequest): InputValues => {
    const data = isObject(request.json) ? request.json.data : undefined
    if (!isObject(data) || !isObject(data.values)) throw invalid("Body must be { data: { values: { … } } }.")
    return data.values
  }

  const nonNegativeInteger = (value: unknown, name: string, fallback: number): number => {
    if (value === undefined) return fallback
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      throw invalid(`"${name}" must be a non-negative integer.`)
    }
    return value
  }

  return new Router()
    .on("GET", "/v2/self", route((_, grant) =>
      grant.active
        ? ok({
          active: true,
          scope: grant.scopes.join(" "),
          client_id: uuid(ids.seed, "client"),
          token_type: "Bearer",
          exp: null,
          iat: Math.floor(clock.now() / 1000) - 30 * 86_400,
          sub: ids.workspaceId,
          aud: uuid(ids.seed, "client"),
          iss: "attio.com",
          authorized_by_workspace_member_id: ids.members[0],
          workspace_id: ids.workspaceId,
          workspace_name: options.workspaceName,
          workspace_slug: workspaceSlug(options.workspaceName),
          workspace_logo_url: null
        })
        : ok({ active: false })
    ))
    .on("POST", "/v2/objects/:object/records/query", route((request, grant) => {
      requireScopes(grant, READ)
      const object = objectOf(request.params.object)
      const body = request.json === undefined ? {} : request.json
      if (!isObject(body)) throw invalid("Body must be a JSON object.")
      if (body.filter !== undefined && isObject(body.filter) && Object.keys(body.filter).length > 0) {
        throw invalid("This fake does not implement filters.", "filter_error")
      }
      // Records are kept in creation order, which is `created_at` ascending.
      const sorts = body.sorts
      const byCreation = (s: unknown) => isObject(s) && s.attribute === "created_at" && s.direction === "asc"
      if (sorts !== undefined && !(Array.isArray(sorts) && sorts.every(byCreation))) {
        throw invalid("This fake only sorts by created_at ascending.")
      }
      const limit = nonNegativeInteger(body.limit, "limit", DEFAULT_LIMIT)
      const offset = nonNegativeInteger(body.offset, "offset", 0)
      return ok({ data: workspace.page(object, offset, limit) })
    }))
    .on("GET", "/v2/objects/:object/records/:record_id", route((request, grant) => {
      requireScopes(grant, READ)
      const object = objectOf(request.params.object)
      return ok({ data: workspace.render(object, workspace.find(object, request.params.record_id!)) })
    }))
    .on("GET", "/v2/objects/:object/records/:record_id/attributes/:attribute/values", route((request, grant) => {
      requireScopes(grant, READ)
      const object = objectOf(request.params.object)
      const index = workspace.find(object, request.params.record_id!)
      const slug = request.params.attribute!
      const historic = request.query.get("show_historic") === "true"
      const values = workspace.values(object, index, slug, historic)
      return ok({ data: values })
    }))
    .on("POST", "/v2/objects/:object/records", route((request, grant) => {
      requireScopes(grant, WRITE)
      const object = objectOf(request.params.object)
      const id = workspace.create(object, valuesOf(request), apiToken)
      return ok({ data: workspace.render(object, workspace.find(object, id)) })
    }))
    .on("PATCH", "/v2/objects/:object/records/:record_id", route((request, grant) => {
      requireScopes(grant, WRITE)
      const object = objectOf(request.params.object)
      workspace.update(object, request.params.record_id!, valuesOf(request), "append", apiToken)
      return ok({ data: workspace.render(object, workspace.find(object, request.params.record_id!)) })
    }))
    .on("PUT", "/v2/objects/:object/records/:record_id", route((request, grant) => {
      requireScopes(grant, WRITE)
      const object = objectOf(request.params.object)
      workspace.update(object, request.params.record_id!, valuesOf(request), "overwrite", apiToken)
      return ok({ data: workspace.render(object, workspace.find(object, request.params.record_id!)) })
    }))
    .on("DELETE", "/v2/objects/:object/records/:record_id", route((request, grant) => {
      requireScopes(grant, WRITE)
      const object = objectOf(request.params.object)
      workspace.remove(object, request.params.record_id!, apiToken)
      return ok({})
    }))
}
