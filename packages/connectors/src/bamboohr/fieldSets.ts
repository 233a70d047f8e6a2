import type { Connector } from "@weft/core/connector"
import { Pagination } from "@weft/core/connector"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { EmployeePage, getEmployee, LIST_FIELDS, listEmployees, RawEmployee } from "./api.js"
import type { Credentials } from "./credentials.js"
import { isOk, operationOf, sendOk, statusError } from "./http.js"
import { fromListed } from "./mapping.js"

/**
 * The two ways of fetching employees, one per field set:
 *
 * - `standard`: the employee list with `fields=` (see `LIST_FIELDS`) — one
 *   request per page of up to 2,500 employees, and one per batch of ids
 *   (`filter[ids][]`) in a delta. No compensation, termination date, gender,
 *   marital status, home address, employee number or display name.
 * - `extended`: the list for ids, then Get Employee for each employee with
 *   every mapped field (`EMPLOYEE_FIELDS`) — 1 + n requests per page of n.
 *
 * Both give employees under the Get Employee field names, so one mapping
 * serves both, and a full read and a delta of the same field set give
 * records of the same shape.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type FieldSet = "standard" | "extended"

type Context = Connector.ConnectorContext<Credentials>

/**
 * One page of a full read.
 *
 * @since 0.1.0
 * @category models
 */
export interface FetchedPage {
  /** The answer's `Date` header (BambooHR's clock). */
  readonly date: string | undefined
  readonly employees: ReadonlyArray<RawEmployee>
  readonly next: Option.Option<string>
}

/**
 * How one field set fetches employees.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fetcher {
  readonly fieldSet: FieldSet
  /** The page of the employee list after `after` (the first page for `None`). */
  readonly page: (context: Context, after: Option.Option<string>) => Effect.Effect<FetchedPage, Connector.ReadError>
  /** The employees with these ids BambooHR still has, by id; an id it has not is absent. */
  readonly byIds: (
    context: Context,
    ids: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<string, RawEmployee>, Connector.ReadError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface FetcherOptions {
  /** Employees per list page (`page[limit]`). */
  readonly pageSize: number
  /** Ids per `filter[ids][]` request (standard): each id costs ~30 URL bytes. */
  readonly idsPerRequest: number
  /** Requests in flight at once within one page or batch. */
  readonly concurrency: number
}

const LIST = "GET /api/v1/employees"

const decodePage = Schema.decodeUnknown(EmployeePage)
const decodeRaw = Schema.decodeUnknown(RawEmployee)

const listPage = (
  context: Context,
  options: Parameters<typeof listEmployees>[0]
): Effect.Effect<{ readonly date: string | undefined; readonly page: EmployeePage }, Connector.ReadError> =>
  Effect.gen(function*() {
    const response = yield* sendOk(context.http, listEmployees(options))
    const page = yield* Pagination.json(response, LIST, decodePage)
    return { date: response.headers["date"], page }
  })

const nextOf = (page: EmployeePage): Option.Option<string> =>
  Option.filter(Option.fromNullable(page.meta.page.nextCursor), (c) => c.length > 0)

const byId = (employees: Iterable<RawEmployee>): ReadonlyMap<string, RawEmployee> =>
  new Map([...employees].map((e) => [String(e.id), e]))

/**
 * The standard field set: everything from the employee list.
 *
 * @since 0.1.0
 * @category constructors
 */
export const standard = (options: FetcherOptions): Fetcher => {
  // Every list call of this field set asks for the same fields, so full reads and deltas agree.
  const fields = LIST_FIELDS

  const batch = (context: Context, ids: ReadonlyArray<string>) =>
    Pagination.paginate({
      operation: LIST,
      initial: Option.none<string>(),
      key: Option.getOrElse(() => ""),
      fetch: (after) =>
        Effect.map(
          listPage(context, { limit: ids.length, after: Option.getOrUndefined(after), fields, ids }),
          ({ page }) => ({ items: page.data.map(fromListed), next: Option.map(nextOf(page), Option.some) })
        )
    }).pipe(Stream.runCollect, Effect.map((pages) => Chunk.toReadonlyArray(pages).flat()))

  return {
    fieldSet: "standard",
    page: (context, after) =>
      Effect.map(listPage(context, { limit: options.pageSize, after: Option.getOrUndefined(after), fields }), ({ date, page }) => ({
        date,
        employees: page.data.map(fromListed),
        next: nextOf(page)
      })),
    byIds: (context, ids) => {
      const batches = Chunk.toReadonlyArray(Chunk.chunksOf(Chunk.fromIterable(ids), options.idsPerRequest)).map(Chunk.toReadonlyArray)
      return Effect.map(
        Effect.forEach(batches, (b) => batch(context, b), { concurrency: options.concurrency }),
        (found) => byId(found.flat())
      )
    }
  }
}

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

/**
 * The extended field set: ids from the list, every field from Get Employee.
 *
 * @since 0.1.0
 * @category constructors
 */
export const extended = (options: FetcherOptions): Fetcher => {
  const fetchMany = (context: Context, ids: ReadonlyArray<string>) =>
    Effect.map(
      Effect.forEach(ids, (id) => fetchEmployee(context, id), { concurrency: options.concurrency }),
      (found) => found.flatMap(Option.toArray)
    )
  return {
    fieldSet: "extended",
    page: (context, after) =>
      Effect.gen(function*() {
        const { date, page } = yield* listPage(context, { limit: options.pageSize, after: Option.getOrUndefined(after) })
        // An employee deleted between the list and its fetch is left to the next delta's feed.
        const employees = yield* fetchMany(context, page.data.map((e) => String(e.employeeId)))
        return { date, employees, next: nextOf(page) }
      }),
    byIds: (context, ids) => Effect.map(fetchMany(context, ids), byId)
  }
}
