import { FakeServer } from "@weft/testing"
import * as Schema from "effect/Schema"
import * as Api from "../api.js"
import type { Helpdesk } from "./helpdesk.js"

/**
 * Tickety's endpoints as the fake serves them, with Tickety's parameter
 * checks and error bodies.
 *
 * @since 0.1.0
 */

type Response = FakeServer.FakeResponse

/**
 * Tickety's error answer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const error = (status: number, code: string, message: string, headers?: Readonly<Record<string, string>>): Response => ({
  status,
  ...(headers === undefined ? {} : { headers }),
  body: { error: { code, message } }
})

const DEFAULT_LIMIT = 50
const isInstant = Schema.is(Api.Instant)

// Cursors are opaque to clients: base64url JSON of where the next page starts.
const encodeCursor = (position: string | number): string => Buffer.from(JSON.stringify({ p: position })).toString("base64url")
const decodeCursor = (cursor: string): unknown => {
  try {
    return (JSON.parse(Buffer.from(cursor, "base64url").toString()) as { p?: unknown }).p
  } catch {
    return undefined
  }
}

/** `limit`, or an error answer naming the problem. */
const limitOf = (query: URLSearchParams): number | Response => {
  const text = query.get("limit")
  if (text === null) return DEFAULT_LIMIT
  const limit = Number(text)
  return Number.isInteger(limit) && limit >= 1 && limit <= Api.MAX_PAGE_SIZE
    ? limit
    : error(400, "invalid_limit", `limit must be an integer from 1 to ${Api.MAX_PAGE_SIZE}.`)
}

/** An instant parameter: absent, valid, or an error answer. */
const instantOf = (query: URLSearchParams, name: string): string | undefined | Response => {
  const value = query.get(name)
  if (value === null) return undefined
  return isInstant(value) ? value : error(400, "invalid_parameter", `${name} must be an ISO 8601 instant in UTC.`)
}

const isResponse = (u: unknown): u is Response => typeof u === "object" && u !== null && "status" in u

/**
 * The router: `GET /api/me`, `/api/contacts`, `/api/contacts/:id`,
 * `/api/deleted_contacts`. Auth is checked before routing (see the fake).
 *
 * @since 0.1.0
 * @category constructors
 */
export const router = (options: {
  readonly helpdesk: Helpdesk
  readonly me: (authorization: string | undefined) => Api.Me
}): FakeServer.Router => {
  const { helpdesk } = options
  const now = () => new Date(helpdesk.clock.now()).toISOString()
  return new FakeServer.Router()
    .on("GET", Api.paths.me, (request) => ({ status: 200, body: options.me(request.headers["authorization"]) }))
    .on("GET", Api.paths.contacts, ({ query }) => {
      const limit = limitOf(query)
      if (isResponse(limit)) return limit
      const since = instantOf(query, "updated_since")
      if (isResponse(since)) return since
      const cursor = query.get("cursor")
      let after: string | undefined
      if (cursor !== null) {
        const position = decodeCursor(cursor)
        if (typeof position !== "string") return error(400, "invalid_cursor", "cursor is not one this API returned; start again without it.")
        after = position
      }
      // Inclusive: a contact changed at exactly `updated_since` is listed.
      const { more, rows } = helpdesk.page(after, limit, (row) => since === undefined || row.updated_at >= since)
      const last = rows[rows.length - 1]
      return {
        status: 200,
        body: { data: rows, next_cursor: more && last !== undefined ? encodeCursor(last.id) : null, server_time: now() }
      }
    })
    .on("GET", `${Api.paths.contacts}/:id`, ({ params }) => {
      const row = helpdesk.get(params["id"]!)
      return row === undefined
        ? error(404, "not_found", `No contact ${params["id"]}; it may have been deleted.`)
        : { status: 200, body: { data: row } }
    })
    .on("GET", Api.paths.deletedContacts, ({ query }) => {
      const limit = limitOf(query)
      if (isResponse(limit)) return limit
      const since = instantOf(query, "since")
      if (isResponse(since)) return since
      if (since === undefined) return error(400, "missing_parameter", "since is required: the feed lists deletions from that instant.")
      const cursor = query.get("cursor")
      const start = cursor === null ? 0 : decodeCursor(cursor)
      if (typeof start !== "number") {
        return error(400, "invalid_cursor", "cursor is not one this API returned; start again without it.")
      }
      // The feed only grows, in time order: an index into it is a stable position.
      const feed = helpdesk.deletions
      const data: Array<(typeof feed)[number]> = []
      let next = start
      for (; next < feed.length && data.length < limit; next++) {
        if (feed[next]!.deleted_at >= since) data.push(feed[next]!)
      }
      const more = feed.slice(next).some((d) => d.deleted_at >= since)
      return { status: 200, body: { data, next_cursor: more ? encodeCursor(next) : null, server_time: now() } }
    })
}
