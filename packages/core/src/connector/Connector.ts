import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type * as RateLimiter from "effect/RateLimiter"
import type * as Model from "../models/Model.js"
import type * as Auth from "./Auth.js"
import type { ConnectionError, ConnectorError, PaginationLoopError, ReauthRequiredError } from "./Errors.js"
import * as ProviderHttp from "./ProviderHttp.js"

/**
 * The connector contract: what an adapter to one provider declares, and the
 * context Weft hands to it for each call.
 *
 * @since 0.1.0
 */

/**
 * What a reader's stream may fail with. Weft records the failure in the run
 * audit (and, for {@link ReauthRequiredError}, marks the integration
 * `reauth_required`).
 *
 * @since 0.1.0
 * @category models
 */
export type ReadError =
  | ConnectorError
  | ReauthRequiredError
  | PaginationLoopError
  | HttpClientError.HttpClientError
  | ParseResult.ParseError

/**
 * One page of a read: normalised records (validated by Weft against the
 * model, so a bad one is counted, not fatal), ids deleted at the provider, and
 * the cursor to resume from once this page is committed.
 *
 * A `cursor` must only be set when every change before it has been emitted on
 * this or an earlier page: Weft saves it in the same atomic step as the page.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordPage {
  readonly records: ReadonlyArray<unknown>
  readonly deleted?: ReadonlyArray<string> | undefined
  readonly cursor?: string | undefined
}

/**
 * What a connector gets for each call: who it works for, their credentials
 * (decoded, secrets `Redacted`) and a provider client that already applies
 * the base URL, auth, rate limit and retry policy.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectorContext<C> {
  readonly integrationId: string
  readonly tenant: string
  readonly credentials: C
  readonly http: ProviderHttp.ProviderClient
}

/**
 * How a connector reads one model.
 *
 * - `full`: `readAll` returns the whole collection each run; deletes are found
 *   by sweeping ids the read did not return.
 * - `incremental`: `readChanges` returns what changed since a cursor, with
 *   tombstones in `deleted`. `readAll` still serves the initial sync (its last
 *   page carries the first cursor), and, when the provider has no delete
 *   signal, a full read with sweep every `fullReadEvery`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ModelReader<C> {
  readonly model: Model.Any
  readonly mode: "full" | "incremental"
  readAll(context: ConnectorContext<C>): Stream.Stream<RecordPage, ReadError>
  readChanges?(context: ConnectorContext<C>, cursor: string): Stream.Stream<RecordPage, ReadError>
  /** Re-reads one record (`syncs.resyncRecord`); `None` if it is gone. */
  readOne?(context: ConnectorContext<C>, recordId: string): Effect.Effect<Option.Option<unknown>, ReadError>
  /** For incremental readers without a delete feed: sweep this often. */
  readonly fullReadEvery?: Duration.DurationInput | undefined
  /** Extra volatile fields (dotted paths) this connector's records carry. */
  readonly volatileFields?: ReadonlyArray<string> | undefined
}

/**
 * A credentials codec: decodes what the host passes to `connect` (and what
 * the vault stores) into `C`, and encodes `C` back for storage.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credentials<C> {
  /** The schema, for documentation and connect forms. */
  readonly schema: Schema.Schema.AnyNoContext
  decode(input: unknown): Effect.Effect<C, ParseResult.ParseError>
  encode(credentials: C): Effect.Effect<unknown, ParseResult.ParseError>
}

/**
 * A connector: one provider's auth, credential check and readers.
 *
 * @since 0.1.0
 * @category models
 */
export interface Connector<C = unknown> {
  /** Stable id, e.g. `"bamboohr"`. Appears in every event. */
  readonly id: string
  readonly name: string
  readonly category: Model.Category
  readonly credentials: Credentials<C>
  readonly auth: Auth.Auth<C>
  baseUrl(credentials: C): string
  /** Validates credentials with a cheap, permission-revealing call. */
  check(context: ConnectorContext<C>): Effect.Effect<void, ConnectionError>
  readonly readers: ReadonlyArray<ModelReader<C>>
  readonly rateLimit?: ProviderHttp.RateLimit | undefined
  readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
}

/**
 * Any connector, whatever its credentials type.
 *
 * @since 0.1.0
 * @category models
 */
export type Any = Connector<unknown>

/**
 * Defines a connector from its credentials Schema (secrets as
 * `Schema.Redacted`) and the rest of its declaration.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { Auth, Connector } from "@weft/core/connector"
 * import { Employee } from "@weft/core/models"
 *
 * export const acme = Connector.define({
 *   id: "acme", name: "Acme HR", category: "hris",
 *   credentials: Schema.Struct({ apiKey: Schema.Redacted(Schema.String) }),
 *   auth: Auth.bearer((c) => c.apiKey),
 *   baseUrl: () => "https://api.acme.example",
 *   check: (ctx) => checkMe(ctx),
 *   readers: [{ model: Employee.model, mode: "full", readAll: (ctx) => listEmployees(ctx) }]
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const define = <C, I>(options: {
  readonly id: string
  readonly name: string
  readonly category: Model.Category
  readonly credentials: Schema.Schema<C, I>
  readonly auth: Auth.Auth<C>
  readonly baseUrl: (credentials: C) => string
  readonly check: (context: ConnectorContext<C>) => Effect.Effect<void, ConnectionError>
  readonly readers: ReadonlyArray<ModelReader<C>>
  readonly rateLimit?: ProviderHttp.RateLimit | undefined
  readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
}): Connector<C> => {
  const decode = Schema.decodeUnknown(options.credentials, { errors: "first", onExcessProperty: "error" })
  const encode = Schema.encode(options.credentials)
  return {
    id: options.id,
    name: options.name,
    category: options.category,
    credentials: { schema: options.credentials as Schema.Schema.AnyNoContext, decode, encode },
    auth: options.auth,
    baseUrl: options.baseUrl,
    check: options.check,
    readers: options.readers,
    rateLimit: options.rateLimit,
    retry: options.retry
  }
}

/**
 * The reader of a model, if the connector has one.
 *
 * @since 0.1.0
 * @category getters
 */
export const readerFor = <C>(connector: Connector<C>, model: string): ModelReader<C> | undefined =>
  connector.readers.find((r) => r.model.name === model)

/**
 * Builds the context of one integration: its credentials in a `Ref` (so OAuth
 * refreshes replace them) and its provider client.
 *
 * @example
 * ```ts
 * const ctx = yield* Connector.makeContext(bamboo, { integrationId: "int_1", tenant: "acme", credentials })
 * yield* bamboo.check(ctx)
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const makeContext = <C>(
  connector: Connector<C>,
  options: {
    readonly integrationId: string
    readonly tenant: string
    readonly credentials: C
    readonly rateLimiter?: RateLimiter.RateLimiter | undefined
    readonly onCredentialsRefreshed?: ((credentials: C) => Effect.Effect<void>) | undefined
  }
): Effect.Effect<ConnectorContext<C> & { readonly currentCredentials: Effect.Effect<C> }, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const credentials = yield* Ref.make(options.credentials)
    const http = yield* ProviderHttp.make({
      connector: connector.id,
      baseUrl: connector.baseUrl(options.credentials),
      auth: connector.auth,
      credentials,
      onCredentialsRefreshed: options.onCredentialsRefreshed,
      retry: connector.retry,
      rateLimiter: options.rateLimiter
    })
    return {
      integrationId: options.integrationId,
      tenant: options.tenant,
      credentials: options.credentials,
      http,
      currentCredentials: Ref.get(credentials)
    }
  })
