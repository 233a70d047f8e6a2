import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Errors, Pagination } from "@weft/core/connector"
import type { Connector } from "@weft/core/connector"
import { Contact } from "@weft/core/models"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Api from "../api.js"
import type { Credentials } from "../credentials.js"
import { toContact } from "../mapping.js"
import { operations, readProblem, type Settings } from "../options.js"

/**
 * The `crm.contact` reader, Effect-native: streams of pages over the
 * integration's provider client.
 *
 * The reader is `incremental`. The initial sync (and any manual one) reads
 * every contact; Weft sweeps the ids it did not see. A delta reads the
 * contacts updated since the cursor, then the deleted-contacts feed since the
 * same instant, and ends with the next cursor: Tickety's `server_time` at the
 * first answer of the read. Tickety's filters are inclusive, so a change made
 * while a read was under way is read again next time, and a record read
 * twice produces no event (its fingerprint is unchanged).
 *
 * @since 0.1.0
 */

type Context = Connector.ConnectorContext<Credentials>

/**
 * Every page of one Tickety list endpoint, following `next_cursor`; the
 * `server_time` of the first answer goes into `startedAt`.
 */
const pages = <A, I>(
  context: Context,
  options: {
    readonly operation: string
    readonly path: string
    readonly params: Readonly<Record<string, string>>
    readonly schema: Schema.Schema<{ readonly data: ReadonlyArray<A>; readonly next_cursor: string | null; readonly server_time: string }, I>
    readonly startedAt: Ref.Ref<Option.Option<string>>
  }
): Stream.Stream<ReadonlyArray<A>, Pagination.PaginationError> => {
  const decode = Schema.decodeUnknown(options.schema)
  // `Pagination.cursor` sends each request through the provider client,
  // fails on a non-2xx answer with a ConnectorError naming it, and stops
  // with a PaginationLoopError if Tickety ever hands back a cursor twice.
  return Pagination.cursor({
    client: context.http,
    operation: options.operation,
    request: (cursor) =>
      HttpClientRequest.get(options.path).pipe(
        HttpClientRequest.setUrlParams({ ...options.params, ...Option.match(cursor, { onNone: () => ({}), onSome: (c) => ({ cursor: c }) }) })
      ),
    decode: (body) =>
      decode(body).pipe(
        Effect.tap((page) => Ref.update(options.startedAt, Option.orElse(() => Option.some(page.server_time)))),
        Effect.map((page) => ({ items: page.data, next: Option.fromNullable(page.next_cursor) }))
      )
  })
}

/**
 * A read: every contact (`since` none) or the changes since `since`.
 *
 * @since 0.1.0
 * @category readers
 */
export const read = (
  context: Context,
  settings: Settings,
  since: Option.Option<string>
): Stream.Stream<Connector.RecordPage, Connector.ReadError> => {
  const operation = Option.isSome(since) ? operations.changes : operations.contacts
  const problem = readProblem(settings, operation, Option.getOrUndefined(since))
  if (problem !== undefined) return Stream.fail(problem)
  return Stream.unwrap(
    Effect.gen(function*() {
      const startedAt = yield* Ref.make(Option.none<string>())
      const limit = String(settings.pageSize)
      const contacts = pages(context, {
        operation,
        path: Api.paths.contacts,
        params: Option.match(since, { onNone: () => ({ limit }), onSome: (s) => ({ limit, updated_since: s }) }),
        schema: Api.ContactPage,
        startedAt
      }).pipe(Stream.map((items): Connector.RecordPage => ({ records: items.map(toContact) })))
      // A full read needs no feed: Weft sweeps what it did not return.
      const deleted = Option.match(since, {
        onNone: () => Stream.empty,
        onSome: (s) =>
          pages(context, {
            operation: operations.deleted,
            path: Api.paths.deletedContacts,
            params: { limit, since: s },
            schema: Api.DeletedPage,
            startedAt
          }).pipe(Stream.map((items): Connector.RecordPage => ({ records: [], deleted: items.map((d) => d.id) })))
      })
      // The cursor goes last: Weft saves it with the page that carries it,
      // once everything before it is committed.
      const end = Stream.fromEffect(
        Effect.map(Ref.get(startedAt), (at): Connector.RecordPage => ({
          records: [],
          cursor: Option.getOrUndefined(Option.orElse(at, () => since))
        }))
      )
      return Stream.concat(Stream.concat(contacts, deleted), end)
    })
  )
}

const decodeSingle = Schema.decodeUnknown(Api.SingleContact)

/**
 * One contact, re-read for `syncs.resyncRecord`; `None` once it is deleted.
 *
 * @since 0.1.0
 * @category readers
 */
export const readOne = (context: Context, recordId: string): Effect.Effect<Option.Option<unknown>, Connector.ReadError> =>
  Pagination.executeOk(context.http, HttpClientRequest.get(`${Api.paths.contacts}/${encodeURIComponent(recordId)}`)).pipe(
    Effect.flatMap((response) => Pagination.json(response, operations.one, decodeSingle)),
    Effect.map((body) => Option.some(toContact(body.data))),
    Effect.catchIf(
      (error): error is Errors.ConnectorError => error._tag === "ConnectorError" && error.status === 404,
      () => Effect.succeedNone
    )
  )

/**
 * The reader of `crm.contact`.
 *
 * @since 0.1.0
 * @category readers
 */
export const contacts = (settings: Settings): Connector.ModelReader<Credentials> => ({
  model: Contact.model,
  mode: "incremental",
  readAll: (context) => read(context, settings, Option.none()),
  readChanges: (context, cursor) => read(context, settings, Option.some(cursor)),
  readOne
})
