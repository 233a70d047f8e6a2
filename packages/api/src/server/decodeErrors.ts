import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import type { HttpApiDecodeError } from "@effect/platform/HttpApiError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { BadRequest } from "../definition/errors.js"

/**
 * Input that does not match an endpoint's schema is answered with a
 * `BadRequest` naming the offending value (`body.destination.url`,
 * `query.limit`) without quoting it: the platform's decode error repeats the
 * value, and it may be a credential or a signing secret.
 */

type Issue = HttpApiDecodeError["issues"][number]

const isDecodeError = (u: unknown): u is HttpApiDecodeError =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "HttpApiDecodeError"

// "Expected string, actual "whsec_…"" → "Expected string";
// "Unable to decode "abc" into a number" → "Expected a number".
const withoutValue = (message: string): string =>
  message
    .replace(/,\s*actual [\s\S]*$/, "")
    .replace(/^Unable to decode [\s\S]* into ([\s\S]+)$/, "Expected $1")

const pathOf = (where: string, path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : `${out}.${String(key)}`), where)

// "Expected "a"", "Expected "b"" → "Expected "a" | "b"".
const summary = (messages: ReadonlyArray<string>): string => {
  const distinct = [...new Set(messages.map(withoutValue))]
  const said = distinct.length > 1 ? distinct.filter((m) => m !== "Expected undefined") : distinct
  return said.every((m) => m.startsWith("Expected "))
    ? `Expected ${said.map((m) => m.slice("Expected ".length)).join(" | ")}`
    : said.join("; ")
}

// A value that was sent but is wrong says more than one a union's other
// member misses, and the deepest issues say the most (a union's shallow ones
// only list its members); when they name several values, `path` is what they
// have in common.
const toBadRequest = (method: string, error: HttpApiDecodeError): BadRequest => {
  const where = method === "GET" || method === "DELETE" || method === "HEAD" ? "query" : "body"
  const present = error.issues.filter((issue: Issue) => issue._tag !== "Missing")
  const issues = present.length > 0 ? present : error.issues
  const depth = Math.max(0, ...issues.map((issue: Issue) => issue.path.length))
  const byPath = new Map<string, { readonly path: ReadonlyArray<PropertyKey>; readonly messages: Array<string> }>()
  for (const issue of issues) {
    if (issue.path.length !== depth) continue
    const key = pathOf(where, issue.path)
    const entry = byPath.get(key) ?? { path: issue.path, messages: [] }
    entry.messages.push(issue.message)
    byPath.set(key, entry)
  }
  const groups = [...byPath.entries()]
  if (groups.length === 1) {
    const [path, { messages }] = groups[0]!
    return new BadRequest({ code: "invalid_input", message: `${path}: ${summary(messages)}`, path })
  }
  const paths = groups.map(([, group]) => group.path)
  let shared = 0
  while (paths.length > 0 && shared < depth && paths.every((p) => p[shared] === paths[0]![shared])) shared += 1
  return new BadRequest({
    code: "invalid_input",
    message: groups.map(([path, { messages }]) => `${path}: ${summary(messages)}`).join(", or ") || `${where}: is not valid`,
    path: pathOf(where, paths[0]?.slice(0, shared) ?? [])
  })
}

export const layerDecodeErrors = HttpApiBuilder.middleware((app) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Effect.catchAllCause(app, (cause) => {
      const error = Chunk.findFirst(Cause.failures(cause as Cause.Cause<unknown>), isDecodeError)
      return Option.isNone(error)
        ? Effect.failCause(cause)
        : Effect.succeed(HttpServerResponse.unsafeJson(Schema.encodeSync(BadRequest)(toBadRequest(request.method, error.value)), { status: 400 }))
    }))
)
