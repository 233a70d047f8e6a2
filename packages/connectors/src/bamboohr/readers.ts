import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { Connector, ProviderHttp } from "@weft/core/connector"
import { Errors, Pagination } from "@weft/core/connector"
import { Employee } from "@weft/core/models"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type Change, changedEmployees, ChangedEmployees, EmployeePage, getEmployee, listEmployees, RawEmployee } from "./api.js"
import type { Credentials } from "./credentials.js"
import { toEmployee } from "./mapping.js"

/**
 * The `hris.employee` reader: incremental over BambooHR's changed-employees
 * feed. A full read lists employee ids page by page and fetches each page's
 * employees with bounded concurrency; its last page carries the first cursor
 * (the `Date` of the first list answer). A delta reads the feed since the
 * cursor, fetches the inserted and updated employees, and tombstones the
 * deleted ones.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface ReaderOptions {
  /** Employees per page (list `page[limit]`, and change batch size). */
  readonly pageSize: number
  /** Get Employee calls in flight at once, per page. */
  readonly concurrency: number
}

type Context = Connector.ConnectorContext<Credentials>

/** An HTTP `Date` header (RFC 7231 IMF-fixdate). */
const parseHttpDate = (value: string | undefined): Option.Option<number> => {
  if (value === undefined || !/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value.trim())) return Option.none()
  return Option.some(Date.parse(value))
}

/** An instant as the cursor form: ISO 8601 to the second, UTC. */
const toCursor = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z")

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/** An ISO 8601 instant in ms (strict: `Date.parse` alone reads "page-3" as a date). */
const parseIso = (value: string | null | undefined): Option.Option<number> => {
  if (value === undefined || value === null || !ISO_TIMESTAMP.test(value.trim())) return Option.none()
  const ms = Date.parse(value.trim())
  return Number.isNaN(ms) ? Option.none() : Option.some(ms)
}

const decodeRaw = Schema.decodeUnknown(RawEmployee)

const operationOf = (request: HttpClientRequest.HttpClientRequest) => `${request.method} ${request.url}`

/** A non-2xx answer as a typed error, with BambooHR's own explanation (sent in a header) when there is one. */
const statusError = (
  request: HttpClientRequest.HttpClientRequest,
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<never, Errors.ConnectorError> =>
  Effect.flatMap(response.text.pipe(Effect.orElseSucceed(() => "")), (body) => {
    const explained = response.headers["x-bamboohr-message"] ?? response.headers["x-bamboohr-error-message"]
    return Effect.fail(
      new Errors.ConnectorError({
        operation: operationOf(request),
        status: response.status,
        detail: explained ?? (body.trim() === "" ? "BambooHR answered with an error status" : body.slice(0, 300))
      })
    )
  })

const isOk = (response: HttpClientResponse.HttpClientResponse) => response.status >= 200 && response.status < 300

/** Sends a request and insists on a 2xx answer. */
const sendOk = (
  client: ProviderHttp.ProviderClient,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, Connector.ReadError> =>
  Effect.flatMap(client.execute(request), (response) => (isOk(response) ? Effect.succeed(response) : statusError(request, response)))

/**
 * One employee with every mapped field; `None` if BambooHR no longer has it.
 *
 * @since 0.1.0
 * @category reading
 */
export const fetchEmployee = (
  context: Context,
  id: string
): Effect.Effect<Option.Option<RawEmployee>, Connector.ReadError> => {
  const request = getEmployee(id)
  return Effect.flatMap(context.http.execute(request), (response) => {
    if (response.status === 404) return Effect.succeedNone
    if (!isOk(response)) return statusError(request, response)
    return Effect.asSome(Pagination.json(response, operationOf(request), decodeRaw))
  })
}

const fetchMany = (context: Context, ids: ReadonlyArray<string>, concurrency: number) =>
  Effect.forEach(ids, (id) => Effect.map(fetchEmployee(context, id), (found) => [id, found] as const), { concurrency })

/**
 * Every employee, page by page, then a page carrying the cursor for the
 * first delta.
 *
 * @since 0.1.0
 * @category reading
 */
export const readAll = (context: Context, options: ReaderOptions): Stream.Stream<Connector.RecordPage, Connector.ReadError> =>
  Stream.unwrap(Effect.gen(function*() {
    // The first answer's Date: every change after it shows up in the feed after it.
    const startedAt = yield* Ref.make(Option.none<number>())
    // Fallback when no Date header came: the latest lastChanged read. Weaker: an employee
    // changed after its page was read but before a later-changed one is read would be skipped.
    const latestSeen = yield* Ref.make(Option.none<number>())
    const operation = "GET /api/v1/employees"

    const pages = Pagination.paginate({
      operation,
      initial: Option.none<string>(),
      key: Option.getOrElse(() => ""),
      fetch: (after) =>
        Effect.gen(function*() {
          const response = yield* sendOk(
            context.http,
            listEmployees({ limit: options.pageSize, after: Option.getOrUndefined(after) })
          )
          if (Option.isNone(after)) yield* Ref.set(startedAt, parseHttpDate(response.headers["date"]))
          const page = yield* Pagination.json(response, operation, Schema.decodeUnknown(EmployeePage))
          const fetched = yield* fetchMany(context, page.data.map((e) => String(e.employeeId)), options.concurrency)
          // An employee deleted between the list and its fetch is left to the next delta's feed.
          const raws = fetched.flatMap(([, found]) => Option.toArray(found))
          for (const raw of raws) {
            const changed = parseIso(typeof raw["lastChanged"] === "string" ? raw["lastChanged"] : undefined)
            if (Option.isSome(changed)) {
              yield* Ref.update(latestSeen, (l) => Option.some(Math.max(changed.value, Option.getOrElse(l, () => 0))))
            }
          }
          const next = Option.fromNullable(page.meta.page.nextCursor)
          return { items: [{ records: raws.map(toEmployee) }], next: Option.map(next, Option.some) }
        })
    })

    const cursorPage = Effect.gen(function*() {
      const at = yield* Ref.get(startedAt)
      const cursor = Option.isSome(at) ? at : yield* Ref.get(latestSeen)
      return Option.map(cursor, (ms): Connector.RecordPage => ({ records: [], cursor: toCursor(ms) }))
    })

    return pages.pipe(
      Stream.flattenIterables,
      Stream.concat(Stream.fromEffect(cursorPage).pipe(Stream.filterMap((page) => page)))
    )
  }))

/**
 * The changes since `cursor`, in pages of at most `pageSize` employees; the
 * last page carries the next cursor (the feed's latest `lastChanged`).
 *
 * The feed is asked for changes at or after the cursor, so an employee
 * changed in the cursor's own second is read again rather than missed; Weft's
 * fingerprints keep the repeat from emitting an event.
 *
 * @since 0.1.0
 * @category reading
 */
export const readChanges = (
  context: Context,
  cursor: string,
  options: ReaderOptions
): Stream.Stream<Connector.RecordPage, Connector.ReadError> =>
  Stream.unwrap(Effect.gen(function*() {
    const operation = "GET /api/v1/employees/changed"
    if (Option.isNone(parseIso(cursor))) {
      return yield* new Errors.ConnectorError({
        operation,
        detail: `the saved cursor "${cursor}" is not a timestamp; run a full sync to start over`
      })
    }
    const response = yield* sendOk(context.http, changedEmployees(cursor))
    const body = yield* Pagination.json(response, operation, Schema.decodeUnknown(ChangedEmployees))
    const feed = body.employees
    const entries: ReadonlyArray<readonly [string, Change]> = Array.isArray(feed)
      ? []
      : Object.entries(feed as Readonly<Record<string, Change>>)
    const changes = entries
      .map(([key, change]) => ({ id: String(change.id ?? key), action: change.action, at: parseIso(change.lastChanged) }))
      .sort((a, b) => Option.getOrElse(a.at, () => 0) - Option.getOrElse(b.at, () => 0) || Number(a.id) - Number(b.id))

    const latest = [parseIso(body.latest), ...changes.map((c) => c.at), parseIso(cursor)]
      .flatMap(Option.toArray)
      .reduce((a, b) => Math.max(a, b))
    const next = toCursor(latest)
    if (changes.length === 0) return Stream.succeed<Connector.RecordPage>({ records: [], cursor: next })

    const batches = Chunk.toReadonlyArray(Chunk.chunksOf(Chunk.fromIterable(changes), options.pageSize))
    return Stream.fromIterable(batches.map((batch, i) => ({ batch: Chunk.toReadonlyArray(batch), last: i === batches.length - 1 }))).pipe(
      Stream.mapEffect(({ batch, last }) =>
        Effect.gen(function*() {
          const upserts = batch.filter((c) => c.action !== "Deleted").map((c) => c.id)
          const fetched = yield* fetchMany(context, upserts, options.concurrency)
          const records = fetched.flatMap(([, found]) => Option.toArray(Option.map(found, toEmployee)))
          // Gone by the time it was fetched: as good as deleted.
          const vanished = fetched.flatMap(([id, found]) => (Option.isNone(found) ? [id] : []))
          const deleted = [...batch.filter((c) => c.action === "Deleted").map((c) => c.id), ...vanished]
          const page: Connector.RecordPage = {
            records,
            ...(deleted.length === 0 ? {} : { deleted }),
            ...(last ? { cursor: next } : {})
          }
          return page
        })
      )
    )
  }))

/**
 * The `hris.employee` reader.
 *
 * @since 0.1.0
 * @category constructors
 */
export const employees = (options: ReaderOptions): Connector.ModelReader<Credentials> => ({
  model: Employee.model,
  mode: "incremental",
  readAll: (context) => readAll(context, options),
  readChanges: (context, cursor) => readChanges(context, cursor, options),
  readOne: (context, id) => Effect.map(fetchEmployee(context, id), Option.map(toEmployee))
})
