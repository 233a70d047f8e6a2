import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { ConnectorError, OriginNotAllowedError, PaginationLoopError } from "./Errors.js"
import { displayUrl, isAbsoluteUrl } from "./ProviderHttp.js"
import type { ProviderClient, ProviderClientError } from "./ProviderHttp.js"

/**
 * Pagination streams over a provider client. Each emits one element per page
 * (the page's items), so the engine can commit page by page; the next page is
 * requested only when the current one has been pulled.
 *
 * A URL the provider returns (a `Link` header's `next`, a `next` URL in the
 * body) is requested through the same provider client, so it is only ever
 * sent to the integration's origins: one on another origin fails the read
 * with `OriginNotAllowedError`, and nothing is sent there.
 *
 * @since 0.1.0
 */

/**
 * One fetched page: its items and the state of the next page, if any.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page<A, S> {
  readonly items: ReadonlyArray<A>
  readonly next: Option.Option<S>
}

/**
 * The errors of a pagination stream (`ProviderClientError` includes
 * `OriginNotAllowedError`: a page URL off the integration's origins).
 *
 * @since 0.1.0
 * @category models
 */
export type PaginationError = ProviderClientError | ConnectorError | PaginationLoopError

/**
 * The general form: fetch a page from a state until there is no next state.
 * A next state equal (by `key`) to one already fetched fails with
 * {@link PaginationLoopError} instead of looping.
 *
 * @since 0.1.0
 * @category constructors
 */
export const paginate = <S, A, E, R>(options: {
  readonly operation: string
  readonly initial: S
  readonly fetch: (state: S) => Effect.Effect<Page<A, S>, E, R>
  readonly key?: (state: S) => string
}): Stream.Stream<ReadonlyArray<A>, E | PaginationLoopError, R> => {
  const key = options.key ?? ((s: S) => (typeof s === "string" ? s : JSON.stringify(s)))
  return Stream.suspend(() => {
    const seen = new Set([key(options.initial)])
    return Stream.paginateEffect(options.initial, (state: S) =>
      Effect.flatMap(options.fetch(state), (page) => {
        if (Option.isSome(page.next)) {
          const k = key(page.next.value)
          if (seen.has(k)) return Effect.fail(new PaginationLoopError({ operation: options.operation, cursor: k }))
          seen.add(k)
        }
        return Effect.succeed([page.items, page.next] as const)
      }))
  })
}

/**
 * Executes a request and fails with a {@link ConnectorError} naming the
 * status unless it is 2xx. A redirect that reaches here was not followed (it
 * leads off the integration's origins, or one too many): the error says
 * where it pointed.
 *
 * @since 0.1.0
 * @category requests
 */
export const executeOk = (
  client: ProviderClient,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, ProviderClientError | ConnectorError> =>
  Effect.flatMap(client.execute(request), (response) => {
    if (response.status >= 200 && response.status < 300) return Effect.succeed(response)
    const location = response.headers["location"]
    if (response.status >= 300 && response.status < 400 && location !== undefined) {
      const to = URL.canParse(location, response.request.url) ? new URL(location, response.request.url).href : location
      return Effect.zipRight(
        Effect.ignore(response.arrayBuffer),
        Effect.fail(
          new ConnectorError({
            operation: `${request.method} ${new URL(request.url, "http://provider").pathname}`,
            status: response.status,
            detail: `the provider redirected to ${displayUrl(to)}, which was not followed: redirects are only followed ` +
              "within the integration's origins (the credentials are sent nowhere else)"
          })
        )
      )
    }
    return Effect.flatMap(response.text.pipe(Effect.orElseSucceed(() => "")), (body) =>
      Effect.fail(
        new ConnectorError({
          operation: `${request.method} ${new URL(request.url, "http://provider").pathname}`,
          status: response.status,
          detail: body.length === 0 ? "the provider answered with an error status" : body.slice(0, 300)
        })
      ))
  })

/**
 * Reads a 2xx response's JSON with a decoder (a `Schema` decoder or a plain
 * function); a body that does not decode is a {@link ConnectorError}.
 *
 * @since 0.1.0
 * @category requests
 */
export const json = <A, E>(
  response: HttpClientResponse.HttpClientResponse,
  operation: string,
  decode: (body: unknown) => Effect.Effect<A, E>
): Effect.Effect<A, ConnectorError> =>
  response.json.pipe(
    Effect.flatMap(decode),
    // The message only: an HTTP cause would carry the authorized request.
    Effect.mapError((cause) =>
      new ConnectorError({ operation, detail: `unreadable response: ${String((cause as Error)?.message ?? cause)}` })
    )
  )

/**
 * A cursor carried in the response body (`next_cursor`, `paging.next.after`,
 * …). `request` builds the page request from the cursor (none for the first
 * page); it may put the cursor in the query string or in a POST body. The
 * stream ends when `decode` reports no next cursor or an empty one (several
 * providers send `""` on the last page); a cursor seen before fails with
 * {@link PaginationLoopError}.
 *
 * @example
 * ```ts
 * import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
 * import * as Effect from "effect/Effect"
 * import * as Option from "effect/Option"
 * import * as Schema from "effect/Schema"
 * import { Pagination, type ProviderHttp } from "@weft/core/connector"
 *
 * declare const client: ProviderHttp.ProviderClient // `ctx.http` in a reader
 * const EmployeePage = Schema.Struct({
 *   data: Schema.Array(Schema.Struct({ id: Schema.String })),
 *   meta: Schema.Struct({ page: Schema.Struct({ nextCursor: Schema.NullOr(Schema.String) }) })
 * })
 *
 * const employees = Pagination.cursor({
 *   client, operation: "list employees",
 *   request: (after) => HttpClientRequest.get("/v1/employees").pipe(
 *     HttpClientRequest.setUrlParams(Option.match(after, { onNone: () => ({}), onSome: (a) => ({ "page[after]": a }) }))),
 *   decode: (body) => Schema.decodeUnknown(EmployeePage)(body).pipe(Effect.map((p) => ({
 *     items: p.data, next: Option.fromNullable(p.meta.page.nextCursor) })))
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const cursor = <A, E>(options: {
  readonly client: ProviderClient
  readonly operation: string
  readonly request: (cursor: Option.Option<string>) => HttpClientRequest.HttpClientRequest
  readonly decode: (body: unknown) => Effect.Effect<Page<A, string>, E>
}): Stream.Stream<ReadonlyArray<A>, PaginationError> =>
  paginate({
    operation: options.operation,
    initial: Option.none<string>(),
    key: Option.getOrElse(() => ""),
    fetch: (state) =>
      executeOk(options.client, options.request(state)).pipe(
        Effect.flatMap((response) => json(response, options.operation, options.decode)),
        Effect.map((page) => ({
          items: page.items,
          next: Option.map(Option.filter(page.next, (c) => c.length > 0), Option.some)
        }))
      )
  })

/**
 * One link of an RFC 8288 `Link` header: its target and parameters (names
 * lower-cased, values unquoted).
 *
 * @since 0.1.0
 * @category models
 */
export interface LinkValue {
  readonly target: string
  readonly params: Readonly<Record<string, string>>
}

/**
 * Parses an RFC 8288 `Link` header. Targets may contain commas and
 * semicolons, and quoted parameter values may too, so the header is scanned
 * rather than split.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseLinkHeader = (header: string): ReadonlyArray<LinkValue> => {
  const links: Array<LinkValue> = []
  let i = 0
  const skipSpace = () => {
    while (i < header.length && /\s/.test(header[i]!)) i++
  }
  while (i < header.length) {
    const open = header.indexOf("<", i)
    if (open === -1) break
    const close = header.indexOf(">", open)
    if (close === -1) break
    const target = header.slice(open + 1, close).trim()
    const params: Record<string, string> = {}
    i = close + 1
    for (;;) {
      skipSpace()
      if (header[i] !== ";") break
      i++
      skipSpace()
      const nameStart = i
      while (i < header.length && !/[=;,\s]/.test(header[i]!)) i++
      const name = header.slice(nameStart, i).toLowerCase()
      skipSpace()
      let value = ""
      if (header[i] === "=") {
        i++
        skipSpace()
        if (header[i] === "\"") {
          i++
          while (i < header.length && header[i] !== "\"") {
            if (header[i] === "\\" && i + 1 < header.length) i++
            value += header[i]
            i++
          }
          i++
        } else {
          const valueStart = i
          while (i < header.length && !/[;,]/.test(header[i]!)) i++
          value = header.slice(valueStart, i).trim()
        }
      }
      // The first occurrence of a parameter wins (RFC 8288 §3).
      if (name.length > 0 && !(name in params)) params[name] = value
    }
    links.push({ target, params })
    skipSpace()
    if (header[i] === ",") i++
  }
  return links
}

/**
 * The `next` target of an RFC 8288 `Link` header, if any. `rel` may hold
 * several space-separated relation types and is matched case-insensitively.
 *
 * @example
 * ```ts
 * import { Pagination } from "@weft/core/connector"
 *
 * Pagination.nextLink('<https://api.x/users?page=1>; rel="prev", <https://api.x/users?page=3&f=a,b>; rel="next"')
 * // Option.some("https://api.x/users?page=3&f=a,b")
 * ```
 * @since 0.1.0
 * @category parsing
 */
export const nextLink = (header: string | undefined): Option.Option<string> => {
  if (header === undefined) return Option.none()
  const next = parseLinkHeader(header).find((link) =>
    (link.params["rel"] ?? "").toLowerCase().split(/\s+/).includes("next")
  )
  return next === undefined ? Option.none() : Option.some(next.target)
}

// A relative link target is relative to the URL that was requested (RFC 8288
// §3.2), which only the response knows once the base URL was applied.
const resolveAgainst = (target: string, requested: string): string => {
  if (isAbsoluteUrl(target) || !isAbsoluteUrl(requested)) return target
  return new URL(target, requested).toString()
}

/**
 * `Link`-header pagination (`<…?page=2>; rel="next"`): follows `next` links
 * until there is none. A relative link is resolved against the URL that was
 * requested. `next` builds the request for a link (default: a GET of it).
 * A link off the integration's origins fails the read with
 * `OriginNotAllowedError` (operation `<operation>: next page`) and is not
 * requested.
 *
 * @example
 * ```ts
 * import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
 * import * as Schema from "effect/Schema"
 * import { type Connector, Pagination } from "@weft/core/connector"
 *
 * declare const ctx: Connector.ConnectorContext<unknown> // the reader's context
 * const User = Schema.Struct({ id: Schema.Number, login: Schema.String })
 *
 * const users = Pagination.link({
 *   client: ctx.http, operation: "list users",
 *   first: HttpClientRequest.get("/users").pipe(HttpClientRequest.setUrlParam("per_page", "100")),
 *   decode: Schema.decodeUnknown(Schema.Array(User))
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const link = <A, E>(options: {
  readonly client: ProviderClient
  readonly operation: string
  readonly first: HttpClientRequest.HttpClientRequest
  readonly next?: ((url: string) => HttpClientRequest.HttpClientRequest) | undefined
  readonly decode: (body: unknown) => Effect.Effect<ReadonlyArray<A>, E>
}): Stream.Stream<ReadonlyArray<A>, PaginationError> => {
  const next = options.next ?? ((url: string) => HttpClientRequest.get(url))
  return paginate({
    operation: options.operation,
    initial: Option.none<string>(),
    key: Option.getOrElse(() => ""),
    fetch: (state) =>
      executeOk(options.client, Option.match(state, { onNone: () => options.first, onSome: next })).pipe(
        Effect.catchTag("OriginNotAllowedError", (refused) =>
          Effect.fail(
            Option.isSome(state)
              ? new OriginNotAllowedError({
                connector: refused.connector,
                operation: `${options.operation}: next page`,
                url: refused.url,
                reason: refused.reason,
                allowed: refused.allowed
              })
              : refused
          )),
        Effect.flatMap((response) =>
          Effect.map(json(response, options.operation, options.decode), (items) => ({
            items,
            next: Option.map(
              nextLink(response.headers["link"]),
              (target) => Option.some(resolveAgainst(target, response.request.url))
            )
          }))
        )
      )
  })
}

/**
 * Offset pagination: `request(offset, limit)` (query string or POST body);
 * stops at the first page shorter than `limit`. Keep `limit` within the
 * provider's maximum page size: a provider that silently caps it answers a
 * short page, which ends the stream early.
 *
 * @example
 * ```ts
 * import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
 * import * as Effect from "effect/Effect"
 * import * as Schema from "effect/Schema"
 * import { type Connector, Pagination } from "@weft/core/connector"
 *
 * declare const ctx: Connector.ConnectorContext<unknown> // the reader's context
 * const DealPage = Schema.Struct({ results: Schema.Array(Schema.Struct({ id: Schema.String })) })
 *
 * const deals = Pagination.offset({
 *   client: ctx.http, operation: "list deals", limit: 100,
 *   request: (offset, limit) => HttpClientRequest.post("/deals/search").pipe(
 *     HttpClientRequest.bodyUnsafeJson({ offset, limit })),
 *   decode: (body) => Effect.map(Schema.decodeUnknown(DealPage)(body), (p) => p.results)
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const offset = <A, E>(options: {
  readonly client: ProviderClient
  readonly operation: string
  readonly limit: number
  readonly request: (offset: number, limit: number) => HttpClientRequest.HttpClientRequest
  readonly decode: (body: unknown) => Effect.Effect<ReadonlyArray<A>, E>
}): Stream.Stream<ReadonlyArray<A>, PaginationError> =>
  paginate({
    operation: options.operation,
    initial: 0,
    key: String,
    fetch: (start) =>
      executeOk(options.client, options.request(start, options.limit)).pipe(
        Effect.flatMap((response) => json(response, options.operation, options.decode)),
        Effect.map((items) => ({
          items,
          next: items.length < options.limit ? Option.none() : Option.some(start + items.length)
        }))
      )
  })

/**
 * Page-number pagination: `request(page)` from `firstPage` (default 1); stops
 * at an empty page or once `decode` reports the last page.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pageNumber = <A, E>(options: {
  readonly client: ProviderClient
  readonly operation: string
  readonly firstPage?: number
  readonly request: (page: number) => HttpClientRequest.HttpClientRequest
  readonly decode: (body: unknown) => Effect.Effect<{ readonly items: ReadonlyArray<A>; readonly last: boolean }, E>
}): Stream.Stream<ReadonlyArray<A>, PaginationError> =>
  paginate({
    operation: options.operation,
    initial: options.firstPage ?? 1,
    key: String,
    fetch: (page) =>
      executeOk(options.client, options.request(page)).pipe(
        Effect.flatMap((response) => json(response, options.operation, options.decode)),
        Effect.map(({ items, last }) => ({
          items,
          next: last || items.length === 0 ? Option.none() : Option.some(page + 1)
        }))
      )
  })
