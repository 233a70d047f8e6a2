import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Errors, Pagination, ProviderHttp } from "@weft/core/connector"
import type { Connector } from "@weft/core/connector"
import { Application, Candidate, Job } from "@weft/core/models"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Api from "./api.js"
import * as Cursor from "./cursor.js"
import * as Mapping from "./mapping.js"

/**
 * The readers of `ats.candidate`, `ats.application` and `ats.job`.
 *
 * Harvest has no feed of deleted records, so the readers are `incremental`
 * with a periodic full read: `readChanges` lists what changed since the
 * cursor (`updated_after`, or `last_activity_after` for applications), and
 * every `fullReadEvery` Weft runs `readAll` and sweeps the ids it did not
 * return (deleted candidates, and the applications that vanished with them).
 *
 * @since 0.1.0
 */

type Raw = Readonly<Record<string, unknown>>

/**
 * What the readers are tuned with.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReaderSettings {
  /** Where `next` links are followed; a link on another origin fails the read. */
  readonly baseUrl: string
  /** Harvest `per_page` (1–500). */
  readonly pageSize: number
  /** Subtracted from the provider's clock when a cursor is made. */
  readonly lookbackMs: number
  readonly prospects: Mapping.Prospects
  readonly fullReadEvery: Duration.DurationInput
}

interface CollectionReader {
  readonly collection: Api.Collection
  /** The record's timestamp the "changed since" filter compares with. */
  readonly changedAt: string
  readonly map: (raw: Raw) => unknown
  readonly keep: (raw: Raw) => boolean
}

const decodePage = Schema.decodeUnknown(Api.Page)
const decodeObject = Schema.decodeUnknown(Schema.Record({ key: Schema.String, value: Schema.Unknown }))

const checkPageSize = (settings: ReaderSettings, operation: string): Effect.Effect<void, Errors.ConnectorError> =>
  Number.isInteger(settings.pageSize) && settings.pageSize >= 1 && settings.pageSize <= Api.MAX_PAGE_SIZE
    ? Effect.void
    : Effect.fail(
      new Errors.ConnectorError({
        operation,
        detail: `pageSize ${settings.pageSize} is outside Harvest's per_page range; use an integer from 1 to ${Api.MAX_PAGE_SIZE}`
      })
    )

/**
 * Follows a `Link: <…>; rel="next"` target on the configured base URL: its
 * path (below the base URL's own path) and query are kept and the base URL is
 * put back in front. A target on another origin is requested as it is, which
 * the provider client refuses (`OriginNotAllowedError`, nothing sent): the
 * read fails rather than send the API key to a host named by a response
 * header, or quietly read something else than the provider pointed at.
 */
const onBaseUrl = (baseUrl: string) => {
  const basePath = URL.canParse(baseUrl) ? new URL(baseUrl).pathname.replace(/\/+$/, "") : ""
  const origin = ProviderHttp.originOf(baseUrl)
  return (url: string): HttpClientRequest.HttpClientRequest => {
    if (ProviderHttp.isAbsoluteUrl(url) && ProviderHttp.originOf(url) !== origin) return HttpClientRequest.get(url)
    const parsed = new URL(url, "http://harvest.invalid")
    const path = basePath !== "" && parsed.pathname.startsWith(`${basePath}/`)
      ? parsed.pathname.slice(basePath.length)
      : parsed.pathname
    return HttpClientRequest.get(path + parsed.search)
  }
}

const list = <C>(
  context: Connector.ConnectorContext<C>,
  reader: CollectionReader,
  settings: ReaderSettings,
  since: Option.Option<string>
): Stream.Stream<Connector.RecordPage, Connector.ReadError> => {
  const endpoint = Api.endpoints[reader.collection]
  const operation = Option.isSome(since) ? `list ${endpoint.label} changed since ${since.value}` : `list ${endpoint.label}`
  return Stream.unwrap(
    Effect.gen(function*() {
      yield* checkPageSize(settings, operation)
      // The provider's clock at the first answer: where the next delta starts.
      const startedAt = yield* Ref.make(Option.none<number>())
      // Fallback when an answer carries no `Date`: the newest change seen.
      const newest = yield* Ref.make(Option.none<number>())
      const client = HttpClient.tap(context.http, (response) =>
        Ref.update(startedAt, (seen) => Option.orElse(seen, () => Cursor.fromDateHeader(response.headers["date"]))))
      const first = HttpClientRequest.get(endpoint.path).pipe(
        HttpClientRequest.setUrlParams({
          per_page: String(settings.pageSize),
          skip_count: "true",
          ...(Option.isSome(since) ? { [endpoint.changedSince]: since.value } : {})
        })
      )
      const pages = Pagination.link({
        client,
        operation,
        first,
        next: onBaseUrl(settings.baseUrl),
        decode: (body) =>
          Effect.flatMap(decodePage(body), (items) =>
            Effect.as(
              Ref.update(newest, (current) =>
                items.reduce(
                  (acc, raw) =>
                    Option.match(Cursor.fromTimestamp(raw[reader.changedAt]), {
                      onNone: () => acc,
                      onSome: (ms) => Option.some(Option.match(acc, { onNone: () => ms, onSome: (a) => Math.max(a, ms) }))
                    }),
                  current
                )),
              items.filter(reader.keep).map(reader.map)
            ))
      })
      const last = Effect.gen(function*() {
        const at = yield* Ref.get(startedAt)
        const fallback = yield* Ref.get(newest)
        const cursor = Option.match(Option.orElse(at, () => fallback), {
          onNone: () => since,
          onSome: (ms) => Option.some(Cursor.make(ms, settings.lookbackMs))
        })
        return { records: [], cursor: Option.getOrUndefined(cursor) } satisfies Connector.RecordPage
      })
      return pages.pipe(
        Stream.map((records): Connector.RecordPage => ({ records })),
        Stream.concat(Stream.fromEffect(last))
      )
    })
  )
}

const readOne = <C>(
  context: Connector.ConnectorContext<C>,
  reader: CollectionReader,
  recordId: string
): Effect.Effect<Option.Option<unknown>, Connector.ReadError> => {
  const endpoint = Api.endpoints[reader.collection]
  const operation = `get ${endpoint.label} ${recordId}`
  // Harvest ids are integers: anything else cannot name a record.
  if (!/^\d+$/.test(recordId)) return Effect.succeed(Option.none())
  return Pagination.executeOk(context.http, HttpClientRequest.get(`${endpoint.path}/${recordId}`)).pipe(
    Effect.flatMap((response) => Pagination.json(response, operation, decodeObject)),
    Effect.map((raw) => (reader.keep(raw) ? Option.some(reader.map(raw)) : Option.none())),
    Effect.catchIf(
      (error): error is Errors.ConnectorError => error._tag === "ConnectorError" && error.status === 404,
      () => Effect.succeed(Option.none())
    )
  )
}

const makeReader = <C>(
  model: Connector.ModelReader<C>["model"],
  reader: CollectionReader,
  settings: ReaderSettings
): Connector.ModelReader<C> => ({
  model,
  mode: "incremental",
  fullReadEvery: settings.fullReadEvery,
  readAll: (context) => list(context, reader, settings, Option.none()),
  readChanges: (context, cursor) =>
    Stream.unwrap(
      Effect.map(
        Cursor.parse(cursor, `list ${Api.endpoints[reader.collection].label} changed since the last sync`),
        (since) => list(context, reader, settings, Option.some(since))
      )
    ),
  readOne: (context, recordId) => readOne(context, reader, recordId)
})

/**
 * The three readers, in the order a first sync should run them (jobs before
 * the applications that point at them).
 *
 * @since 0.1.0
 * @category constructors
 */
export const readers = <C>(settings: ReaderSettings): ReadonlyArray<Connector.ModelReader<C>> => {
  const keepApplication = (raw: Raw) => settings.prospects === "include" || !Mapping.isProspectApplication(raw)
  return [
    makeReader<C>(Job.model, { collection: "jobs", changedAt: "updated_at", map: Mapping.job, keep: () => true }, settings),
    makeReader<C>(
      Candidate.model,
      {
        collection: "candidates",
        changedAt: "updated_at",
        map: (raw) => Mapping.candidate(raw, { prospects: settings.prospects }),
        keep: () => true
      },
      settings
    ),
    makeReader<C>(
      Application.model,
      { collection: "applications", changedAt: "last_activity_at", map: Mapping.application, keep: keepApplication },
      settings
    )
  ]
}
