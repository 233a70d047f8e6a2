import type { Auth, ProviderHttp } from "@weft/core/connector"
import { Connector, Errors } from "@weft/core/connector"
import type { Model } from "@weft/core/models"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Runtime from "effect/Runtime"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { KyInstance, Options as KyOptions } from "ky"
import { scrubberFor, toConnectionError, toReadError } from "./errors.js"
import { makeKyInstance } from "./fetch.js"
import { fromAsyncIterator } from "./stream.js"

/**
 * Connectors written with plain async code: async generators for reads, a
 * pre-wired `ky` instance for HTTP. The result is a regular
 * `Connector.Connector`, run by Weft like any other.
 *
 * @since 0.1.0
 */

/**
 * What a check or a reader gets.
 *
 * @since 0.1.0
 * @category models
 */
export interface Context<C> {
  /**
   * ky with the provider's base URL as `prefixUrl` (paths without a leading
   * `/`), the integration's auth, rate limiter and retry policy. Non-2xx
   * answers throw ky's `HTTPError`. To follow an absolute URL the provider
   * returned (a `next` link), pass `{ prefixUrl: "" }`: it is sent only when
   * it is on one of the integration's origins, else the request throws and
   * the read fails with `OriginNotAllowedError`.
   */
  readonly ky: KyInstance
  /** The integration's decoded credentials (secrets are `Redacted`). */
  readonly credentials: C
  readonly integration: { readonly id: string; readonly tenant: string }
  /** Aborted when Weft stops the call; pass it to any other async work. */
  readonly signal: AbortSignal
}

/**
 * One page a reader yields: normalised records (plain objects in the model's
 * encoded shape), ids deleted at the provider, and the cursor to resume from
 * once this page is committed (see `Connector.RecordPage`).
 *
 * @since 0.1.0
 * @category models
 */
export type Page = Connector.RecordPage

/**
 * How a connector reads one model, with async generators.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reader<C> {
  readonly model: Model.Any
  readonly mode: "full" | "incremental"
  /** The whole collection, a page per `yield`. */
  readonly readAll: (context: Context<C>) => AsyncIterable<Page>
  /** What changed since `cursor`; the last page carries the next cursor. */
  readonly readChanges?: ((context: Context<C>, cursor: string) => AsyncIterable<Page>) | undefined
  /** One record, or `undefined` if it is gone. */
  readonly readOne?: ((context: Context<C>, recordId: string) => Promise<unknown>) | undefined
  readonly fullReadEvery?: Duration.DurationInput | undefined
  readonly volatileFields?: ReadonlyArray<string> | undefined
}

/**
 * What {@link define} takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Definition<C, I> {
  readonly id: string
  readonly name: string
  readonly category: Model.Category
  /** The credentials Schema; secrets as `Schema.Redacted(Schema.String)`. */
  readonly credentials: Schema.Schema<C, I>
  readonly auth: Auth.Auth<C>
  readonly baseUrl: (credentials: C) => string
  /**
   * The origins the integration's credentials may be sent to (default: the
   * origin of `baseUrl`); derive them from the same setting as `baseUrl`.
   * Every `ky` request goes through the provider client, which refuses any
   * other origin before sending (`OriginNotAllowedError`).
   */
  readonly origins?: ((credentials: C) => ReadonlyArray<string>) | undefined
  readonly rateLimit?: ProviderHttp.RateLimit | undefined
  readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
  /**
   * Validates the credentials with a cheap call. Throw a `ConnectionError`
   * to refuse them; anything else thrown is reported as
   * `provider_unavailable`.
   */
  readonly check: (context: Context<C>) => Promise<void>
  readonly readers: ReadonlyArray<Reader<C>>
  /** Extra ky defaults (headers, hooks…). */
  readonly ky?: KyOptions | undefined
}

const isPage = (u: unknown): u is Page =>
  typeof u === "object" && u !== null && Array.isArray((u as { records?: unknown }).records) &&
  ((u as Page).deleted === undefined || Array.isArray((u as Page).deleted)) &&
  ((u as Page).cursor === undefined || typeof (u as Page).cursor === "string")

/**
 * Defines a connector from async functions. Reads run as streams with
 * back-pressure (the next page is fetched when the engine pulls) and stop
 * cleanly on interruption (requests in flight are aborted, generators are
 * `return()`-ed). What a reader throws becomes a typed `ConnectorError`
 * (see `toReadError`); what `check` throws becomes a `ConnectionError`.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { Auth } from "@weft/core/connector"
 * import { Contact } from "@weft/core/models"
 * import { AsyncConnector } from "@weft/connectors"
 *
 * const Credentials = Schema.Struct({ apiKey: Schema.Redacted(Schema.String) })
 *
 * export const acme = AsyncConnector.define({
 *   id: "acme-crm", name: "Acme CRM", category: "crm",
 *   credentials: Credentials,
 *   auth: Auth.bearer<typeof Credentials.Type>((c) => c.apiKey),
 *   baseUrl: () => "https://api.acme.example",
 *   check: async ({ ky }) => {
 *     const res = await ky.get("v1/me", { throwHttpErrors: false })
 *     if (res.status === 401) {
 *       throw new AsyncConnector.ConnectionError({
 *         code: "invalid_credentials", message: "Acme rejected the API key.",
 *         resolution: "Create a new key in Acme › Settings › API and paste it here."
 *       })
 *     }
 *   },
 *   readers: [{
 *     model: Contact.model, mode: "full",
 *     readAll: async function*({ ky }) {
 *       for (let page = 1; ; page++) {
 *         const body = await ky.get("v1/contacts", { searchParams: { page } }).json<{ items: Array<{ id: string }> }>()
 *         yield { records: body.items.map((c) => ({ id: c.id })) }
 *         if (body.items.length === 0) return
 *       }
 *     }
 *   }]
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const define = <C, I>(definition: Definition<C, I>): Connector.Connector<C> => {
  const contextFor = (
    ctx: Connector.ConnectorContext<C>,
    runtime: Runtime.Runtime<never>,
    signal: AbortSignal,
    onRequest?: (operation: string) => void
  ): Context<C> => ({
    ky: makeKyInstance({
      client: ctx.http,
      runtime,
      prefixUrl: definition.baseUrl(ctx.credentials),
      signal,
      onRequest,
      defaults: definition.ky
    }),
    credentials: ctx.credentials,
    integration: { id: ctx.integrationId, tenant: ctx.tenant },
    signal
  })

  const readStream = (
    ctx: Connector.ConnectorContext<C>,
    operation: string,
    open: (context: Context<C>) => AsyncIterable<Page>
  ): Stream.Stream<Connector.RecordPage, Connector.ReadError> =>
    Stream.unwrap(
      Effect.map(Effect.runtime<never>(), (runtime) => {
        const scrub = scrubberFor(definition.auth, ctx.credentials)
        let lastRequest: string | undefined
        const track = (request: string) => {
          lastRequest = request
        }
        return fromAsyncIterator(
          (signal) => open(contextFor(ctx, runtime, signal, track)),
          (thrown) => toReadError(thrown, { operation, lastRequest, scrub })
        ).pipe(
          Stream.mapEffect((page) =>
            isPage(page) ? Effect.succeed(page) : Effect.fail(
              new Errors.ConnectorError({
                operation,
                detail: "the reader yielded something that is not a page ({ records, deleted?, cursor? })"
              })
            )
          )
        )
      })
    )

  // Runs a promise-returning call with a context whose signal follows the
  // fiber's interruption.
  const call = <A, E>(
    ctx: Connector.ConnectorContext<C>,
    run: (context: Context<C>) => Promise<A>,
    onError: (thrown: unknown, lastRequest: string | undefined) => Promise<E>
  ): Effect.Effect<A, E> =>
    Effect.flatMap(Effect.runtime<never>(), (runtime) => {
      let lastRequest: string | undefined
      return Effect.tryPromise({
        try: (signal) => run(contextFor(ctx, runtime, signal, (r) => (lastRequest = r))),
        catch: (thrown) => thrown
      }).pipe(Effect.catchAll((thrown) => Effect.flatMap(Effect.promise(() => onError(thrown, lastRequest)), Effect.fail)))
    })

  const readers = definition.readers.map((reader): Connector.ModelReader<C> => {
    const model = reader.model.name
    const readChanges = reader.readChanges
    const readOne = reader.readOne
    return {
      model: reader.model,
      mode: reader.mode,
      readAll: (ctx) => readStream(ctx, `${definition.id} read ${model}`, (c) => reader.readAll(c)),
      ...(readChanges === undefined ? {} : {
        readChanges: (ctx, cursor) =>
          readStream(ctx, `${definition.id} read ${model} changes`, (c) => readChanges(c, cursor))
      }),
      ...(readOne === undefined ? {} : {
        readOne: (ctx, recordId) =>
          call(
            ctx,
            (c) => readOne(c, recordId),
            (thrown, lastRequest) =>
              toReadError(thrown, {
                operation: `${definition.id} read one ${model}`,
                lastRequest,
                scrub: scrubberFor(definition.auth, ctx.credentials)
              })
          ).pipe(Effect.map(Option.fromNullable))
      }),
      fullReadEvery: reader.fullReadEvery,
      volatileFields: reader.volatileFields
    }
  })

  return Connector.define({
    id: definition.id,
    name: definition.name,
    category: definition.category,
    credentials: definition.credentials,
    auth: definition.auth,
    baseUrl: definition.baseUrl,
    origins: definition.origins,
    rateLimit: definition.rateLimit,
    retry: definition.retry,
    check: (ctx) =>
      call(ctx, definition.check, (thrown) =>
        toConnectionError(thrown, { provider: definition.name, scrub: scrubberFor(definition.auth, ctx.credentials) })),
    readers
  })
}
