import type { Connector } from "@weft/core/connector"
import { Errors, Pagination } from "@weft/core/connector"
import { Employee } from "@weft/core/models"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type Change, changedEmployees, ChangedEmployees, type RawEmployee } from "./api.js"
import type { Credentials } from "./credentials.js"
import type { Fetcher } from "./fieldSets.js"
import { sendOk } from "./http.js"
import { toEmployee } from "./mapping.js"

/**
 * The `hris.employee` reader: incremental over BambooHR's changed-employees
 * feed. A full read goes through the employee list page by page, fetching
 * each page's employees as its field set does (see `fieldSets.ts`); its last
 * page carries the first cursor (the `Date` of the first list answer). A
 * delta reads the feed since the cursor, fetches the inserted and updated
 * employees the same way, and tombstones the deleted ones.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface ReaderOptions {
  /** Changes per delta page. */
  readonly pageSize: number
  /** How employees are fetched (the field set). */
  readonly fetcher: Fetcher
}

type Context = Connector.ConnectorContext<Credentials>

/** How far the first cursor starts before our own clock when BambooHR sent no `Date`: allows for clock skew. */
const SKEW_MS = 10 * 60_000

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
    // Fallbacks when no Date header came. The latest lastChanged read (extended field set only) is
    // weaker: an employee changed after its page was read but before a later-changed one is read
    // would be skipped. Failing that, our own clock, set back to allow for skew.
    const latestSeen = yield* Ref.make(Option.none<number>())
    const ourStart = (yield* Clock.currentTimeMillis) - SKEW_MS

    const pages = Pagination.paginate({
      operation: "GET /api/v1/employees",
      initial: Option.none<string>(),
      key: Option.getOrElse(() => ""),
      fetch: (after) =>
        Effect.gen(function*() {
          const page = yield* options.fetcher.page(context, after)
          if (Option.isNone(after)) yield* Ref.set(startedAt, parseHttpDate(page.date))
          for (const raw of page.employees) {
            const changed = parseIso(typeof raw["lastChanged"] === "string" ? raw["lastChanged"] : undefined)
            if (Option.isSome(changed)) {
              yield* Ref.update(latestSeen, (l) => Option.some(Math.max(changed.value, Option.getOrElse(l, () => 0))))
            }
          }
          return { items: [{ records: page.employees.map(toEmployee) }], next: Option.map(page.next, Option.some) }
        })
    })

    const cursorPage = Effect.gen(function*() {
      const at = yield* Ref.get(startedAt)
      const seen = yield* Ref.get(latestSeen)
      const ms = Option.getOrElse(Option.orElse(at, () => seen), () => ourStart)
      return { records: [], cursor: toCursor(ms) } satisfies Connector.RecordPage
    })

    return pages.pipe(Stream.flattenIterables, Stream.concat(Stream.fromEffect(cursorPage)))
  }))

/**
 * The changes since `cursor`, in pages of at most `pageSize` changes; the
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
          const found = upserts.length === 0 ? new Map<string, RawEmployee>() : yield* options.fetcher.byIds(context, upserts)
          const records = upserts.flatMap((id) => {
            const raw = found.get(id)
            return raw === undefined ? [] : [toEmployee(raw)]
          })
          // Gone by the time it was fetched: as good as deleted.
          const vanished = upserts.filter((id) => !found.has(id))
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
  readOne: (context, id) =>
    Effect.map(options.fetcher.byIds(context, [id]), (found) => Option.map(Option.fromNullable(found.get(id)), toEmployee))
})
