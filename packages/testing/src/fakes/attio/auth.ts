import type { FakeRequest } from "../kit/FakeServer.js"
import { forbidden, notFound, unauthorized } from "./errors.js"
import { uuid } from "./ids.js"

/**
 * Access tokens of the fake: each bad-credential case of a real Attio
 * workspace has a token that reproduces it.
 *
 * @since 0.1.0
 */

/**
 * What a token grants.
 *
 * @since 0.1.0
 * @category models
 */
export interface Grant {
  readonly scopes: ReadonlyArray<string>
  /** `false`: revoked; `/v2/self` answers `{ active: false }`, the rest 401. */
  readonly active: boolean
  /** `false`: its workspace was deleted; every call answers 404. */
  readonly workspaceExists: boolean
}

/**
 * The scopes a full read needs (per the spec of the records query).
 *
 * @since 0.1.0
 * @category constants
 */
export const READ_SCOPES: ReadonlyArray<string> = ["record_permission:read", "object_configuration:read"]

/**
 * The fake's tokens, one per case.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tokens {
  /** Reads and writes records, reads configuration and members. */
  readonly good: string
  /** Lacks `record_permission:read`. */
  readonly noRecordScope: string
  /** Lacks `object_configuration:read`. */
  readonly noObjectScope: string
  /** Revoked by a workspace admin. */
  readonly revoked: string
  /** Its workspace was deleted. */
  readonly deletedWorkspace: string
  /** Never issued. */
  readonly unknown: string
}

const token = (seed: number, name: string): string =>
  (uuid(seed, "token", name) + uuid(seed, "token2", name)).replace(/-/g, "")

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeTokens = (seed: number): Tokens => ({
  good: token(seed, "good"),
  noRecordScope: token(seed, "no-record-scope"),
  noObjectScope: token(seed, "no-object-scope"),
  revoked: token(seed, "revoked"),
  deletedWorkspace: token(seed, "deleted-workspace"),
  unknown: token(seed, "unknown")
})

/**
 * The grants of the issued tokens (the `unknown` one is not issued).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeGrants = (tokens: Tokens): ReadonlyMap<string, Grant> =>
  new Map<string, Grant>([
    [tokens.good, {
      scopes: ["record_permission:read-write", "object_configuration:read", "user_management:read"],
      active: true,
      workspaceExists: true
    }],
    [tokens.noRecordScope, { scopes: ["object_configuration:read"], active: true, workspaceExists: true }],
    [tokens.noObjectScope, { scopes: ["record_permission:read"], active: true, workspaceExists: true }],
    [tokens.revoked, { scopes: [...READ_SCOPES], active: false, workspaceExists: true }],
    [tokens.deletedWorkspace, { scopes: [...READ_SCOPES], active: true, workspaceExists: false }]
  ])

/**
 * Whether granted scopes include `scope` (`x:read-write` includes `x:read`).
 *
 * @since 0.1.0
 * @category scopes
 */
export const hasScope = (granted: ReadonlyArray<string>, scope: string): boolean =>
  granted.includes(scope) || (scope.endsWith(":read") && granted.includes(`${scope}-write`))

/**
 * The bearer token of a request, if it has a well-formed one.
 *
 * @since 0.1.0
 * @category auth
 */
export const bearerOf = (request: { readonly headers: Readonly<Record<string, string | undefined>> }): string | undefined =>
  /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(request.headers["authorization"] ?? "")?.[1]

/**
 * Authenticates a request: its grant, or Attio's 401 / 404. A revoked token
 * may still call `/v2/self` (which says it is inactive).
 *
 * @since 0.1.0
 * @category auth
 */
export const authenticate = (grants: ReadonlyMap<string, Grant>, request: FakeRequest): Grant => {
  const bearer = bearerOf(request)
  if (bearer === undefined) {
    throw unauthorized("Missing or malformed Authorization header. Send \"Authorization: Bearer <access token>\".")
  }
  const grant = grants.get(bearer)
  if (grant === undefined) throw unauthorized("The access token is invalid.")
  if (!grant.workspaceExists) throw notFound("The workspace this access token belongs to was not found.")
  if (!grant.active && request.path !== "/v2/self") throw unauthorized("The access token has been revoked.")
  return grant
}

/**
 * Refuses a request whose token lacks one of `scopes` with Attio's 403.
 *
 * @since 0.1.0
 * @category scopes
 */
export const requireScopes = (grant: Grant, scopes: ReadonlyArray<string>): void => {
  const missing = scopes.filter((s) => !hasScope(grant.scopes, s))
  if (missing.length > 0) {
    throw forbidden(`This access token is missing the required scope(s): ${missing.join(", ")}.`)
  }
}
