import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { Connector } from "@weft/core/connector"
import { Errors, Pagination } from "@weft/core/connector"
import type { Model } from "@weft/core/models"
import { Company, Contact, Deal } from "@weft/core/models"
import {
  CrmObject,
  getRequest,
  latestModifiedRequest,
  modifiedAtRequest,
  modifiedProperty,
  modifiedSinceRequest,
  SearchPage
} from "./api.js"
import type { ObjectType } from "./api.js"
import { badCursor, dealAssociations, fetchJson, listPages, noAssociations } from "./fetch.js"
import * as Mapping from "./mapping.js"

/**
 * One incremental reader per object type.
 *
 * - `readAll` lists active records (`archived=false`, id order, so records
 *   changed during the read neither shift nor repeat pages). Before listing
 *   it asks search for the newest `lastmodifieddate`: that becomes the first
 *   cursor, so anything changed while the list runs is picked up by the next
 *   delta.
 * - `readChanges` searches `lastmodifieddate ≥ cursor − lookback`, oldest
 *   first, restarting the query at the newest timestamp of each page (keyset)
 *   instead of offset paging: an offset shifts when a record changes during
 *   the read (it moves to the end and another record is skipped) and search
 *   refuses offsets past 10,000. A full page sharing one millisecond is
 *   walked by `hs_object_id`. Then it lists archived records and
 *   emits those archived since `cursor − lookback` as records with
 *   `archived: true` (the models' inactive flag). Ids HubSpot merged into
 *   another record (`hs_merged_object_ids`) become tombstones. The new cursor
 *   is the newest modification seen by search, never the local clock.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface ReaderOptions {
  readonly pageSize: number
  /** Re-read this much before the cursor: search indexes changes a little late. */
  readonly lookbackMs: number
  /** How often a full read (with a sweep) finds records HubSpot deleted for good. */
  readonly fullReadEvery: Duration.DurationInput
}

const models: Readonly<Record<ObjectType, Model.Any>> = {
  contacts: Contact.model,
  companies: Company.model,
  deals: Deal.model
}

const mapInline = (type: ObjectType, record: CrmObject): unknown => {
  switch (type) {
    case "contacts":
      return Mapping.contact(record)
    case "companies":
      return Mapping.company(record)
    case "deals":
      return Mapping.deal(record, Mapping.inlineDealAssociations(record))
  }
}

const maxOf = (values: ReadonlyArray<number | undefined>, start: number): number =>
  values.reduce<number>((max, v) => (v !== undefined && v > max ? v : max), start)

const latestModified = <C>(context: Connector.ConnectorContext<C>, type: ObjectType) =>
  Effect.map(
    fetchJson(context, `find the latest ${type} change`, latestModifiedRequest(type), SearchPage),
    (page) => maxOf(page.results.map((r) => Mapping.modifiedAt(r, modifiedProperty[type])), 0)
  )

/**
 * Where a change search stands: a range of modification times from `from`
 * on, or a run of records that all share the time `at`, walked by id.
 */
type Keyset =
  | { readonly mode: "range"; readonly from: number; readonly sent: ReadonlySet<string> }
  | { readonly mode: "tie"; readonly at: number; readonly afterId: string; readonly sent: ReadonlySet<string> }

const byNumericId = (a: string, b: string): number => (a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0)

/**
 * Records modified at or after `since` (ms), as pages in modification order,
 * without offsets: each page restarts the query at the newest time it
 * returned (`sent` holds the ids already emitted at that time). A full page
 * that all shares one time is walked by `hs_object_id` instead, so any
 * number of records stamped with the same millisecond (an import) is read,
 * and a record changing meanwhile shifts nothing.
 *
 * @since 0.1.0
 * @category readers
 */
export const modifiedSince = <C>(
  context: Connector.ConnectorContext<C>,
  type: ObjectType,
  since: number,
  pageSize: number
): Stream.Stream<ReadonlyArray<CrmObject>, Pagination.PaginationError> => {
  const property = modifiedProperty[type]
  const operation = `search ${type} changes`
  return Pagination.paginate<Keyset, CrmObject, Pagination.PaginationError, never>({
    operation,
    initial: { mode: "range", from: since, sent: new Set() },
    key: (s) => (s.mode === "range" ? `range/${s.from}` : `tie/${s.at}/${s.afterId}`),
    fetch: (s) =>
      Effect.gen(function*() {
        if (s.mode === "tie") {
          const request = modifiedAtRequest(type, { at: s.at, afterId: s.afterId, limit: pageSize })
          const page = yield* fetchJson(context, operation, request, SearchPage)
          const items = page.results.filter((r) => !s.sent.has(r.id))
          const last = page.results.map((r) => r.id).sort(byNumericId).at(-1)
          const next: Keyset = page.paging?.next === undefined || last === undefined
            ? { mode: "range", from: s.at + 1, sent: new Set() }
            : { mode: "tie", at: s.at, afterId: last, sent: s.sent }
          return { items, next: Option.some(next) }
        }
        const request = modifiedSinceRequest(type, { since: s.from, limit: pageSize })
        const page = yield* fetchJson(context, operation, request, SearchPage)
        const times = page.results.map((r) => Mapping.modifiedAt(r, property))
        const items = page.results.filter((r, i) => !(times[i] === s.from && s.sent.has(r.id)))
        if (page.paging?.next === undefined || page.results.length === 0) return { items, next: Option.none<Keyset>() }
        const newest = maxOf(times, s.from)
        const atNewest = page.results.filter((_, i) => times[i] === newest).map((r) => r.id)
        const next: Keyset = newest > s.from
          ? { mode: "range", from: newest, sent: new Set(atNewest) }
          : { mode: "tie", at: s.from, afterId: "0", sent: new Set([...s.sent, ...atNewest]) }
        return { items, next: Option.some(next) }
      })
  })
}

const changedPage = <C>(context: Connector.ConnectorContext<C>, type: ObjectType, records: ReadonlyArray<CrmObject>) =>
  Effect.map(
    type === "deals" ? dealAssociations(context, records.map((r) => r.id)) : Effect.succeed(undefined),
    (associations): Connector.RecordPage => ({
      records: records.map((r) =>
        associations === undefined ? mapInline(type, r) : Mapping.deal(r, associations.get(r.id) ?? noAssociations)
      ),
      deleted: [...new Set(records.flatMap(Mapping.mergedIds))]
    })
  )

const readChanges = <C>(context: Connector.ConnectorContext<C>, type: ObjectType, cursor: string, options: ReaderOptions) =>
  Stream.unwrap(
    Effect.gen(function*() {
      if (!/^\d{1,16}$/.test(cursor)) return yield* badCursor(type, cursor)
      const since = Number(cursor)
      const from = Math.max(0, since - options.lookbackMs)
      const newest = yield* Ref.make(since)
      const changed = modifiedSince(context, type, from, options.pageSize).pipe(
        Stream.tap((records) =>
          Ref.update(newest, (n) => maxOf(records.map((r) => Mapping.modifiedAt(r, modifiedProperty[type])), n))
        ),
        Stream.mapEffect((records) => changedPage(context, type, records))
      )
      // Archiving does not move the modification date and search never
      // returns archived records: list them and keep the recent ones.
      const archived = listPages(context, type, { archived: true, limit: options.pageSize }).pipe(
        Stream.map((records): Connector.RecordPage => ({
          records: records.filter((r) => (Mapping.archivedAt(r) ?? from) >= from).map((r) => mapInline(type, r))
        }))
      )
      const last = Stream.fromEffect(Effect.map(Ref.get(newest), (n): Connector.RecordPage => ({ records: [], cursor: String(n) })))
      return changed.pipe(
        Stream.concat(archived),
        Stream.filter((page) => page.records.length > 0 || (page.deleted?.length ?? 0) > 0),
        Stream.concat(last)
      )
    })
  )

const readAll = <C>(context: Connector.ConnectorContext<C>, type: ObjectType, options: ReaderOptions) =>
  Stream.unwrap(
    Effect.map(latestModified(context, type), (latest) =>
      listPages(context, type, { archived: false, limit: options.pageSize }).pipe(
        Stream.map((records): Connector.RecordPage => ({ records: records.map((r) => mapInline(type, r)) })),
        Stream.concat(Stream.succeed<Connector.RecordPage>({ records: [], cursor: String(latest) }))
      ))
  )

const readOne = <C>(context: Connector.ConnectorContext<C>, type: ObjectType, id: string) =>
  Effect.gen(function*() {
    for (const archived of [false, true]) {
      const response = yield* context.http.execute(getRequest(type, id, archived))
      if (response.status === 404) {
        yield* Effect.ignore(response.arrayBuffer)
        continue
      }
      if (response.status < 200 || response.status >= 300) {
        const body = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
        return yield* new Errors.ConnectorError({
          operation: `GET /crm/v3/objects/${type}/{id}`,
          status: response.status,
          detail: body.length === 0 ? "HubSpot answered with an error status" : body.slice(0, 300)
        })
      }
      const record = yield* Pagination.json(response, `read ${type} ${id}`, Schema.decodeUnknown(CrmObject))
      // A merged-away id answers with the record it was merged into.
      return record.id === id ? Option.some(mapInline(type, record)) : Option.none()
    }
    return Option.none()
  })

/**
 * The reader of one object type.
 *
 * @since 0.1.0
 * @category readers
 */
export const reader = <C>(type: ObjectType, options: ReaderOptions): Connector.ModelReader<C> => ({
  model: models[type],
  mode: "incremental",
  readAll: (context) => readAll(context, type, options),
  readChanges: (context, cursor) => readChanges(context, type, cursor, options),
  readOne: (context, id) => readOne(context, type, id),
  fullReadEvery: options.fullReadEvery
})
