import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import type * as RateLimiter from "effect/RateLimiter"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import { InvalidInputError } from "../ground/Input.js"
import type * as Model from "../models/Model.js"
import type * as Auth from "./Auth.js"
import type { ConnectionError, OriginNotAllowedError, PaginationLoopError, ReauthRequiredError } from "./Errors.js"
import { ConnectorError } from "./Errors.js"
import { redactParseError } from "./internal/redactIssue.js"
import * as ProviderHttp from "./ProviderHttp.js"
import * as ReadLimits from "./ReadLimits.js"

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
  | OriginNotAllowedError
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
  /** The credentials the context was made with (see `currentCredentials` of {@link makeContext} after a refresh). */
  readonly credentials: C
  readonly http: ProviderHttp.ProviderClient
  /** The base URL relative requests resolve against. */
  readonly baseUrl?: string | undefined
  /**
   * The origins the integration's credentials may be sent to (see
   * {@link Connector.origins}); `http` sends nowhere else. Default: the base
   * URL's origin.
   */
  readonly origins?: ReadonlyArray<string> | undefined
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
  /**
   * Decodes credentials; fails on the first problem, naming its field
   * (`Model.describeParseError` gives `apiKey: …`). Unknown fields are
   * refused. The error never quotes the offending values: they may be secrets.
   */
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
  readonly auth: Auth.Auth<NoInfer<C>>
  baseUrl(credentials: C): string
  /**
   * The origins (`scheme://host[:port]`) the integration's credentials may be
   * sent to. Every request of the provider client — the connector's own,
   * next-page links and body URLs the provider returns, redirects, host
   * passthrough — is refused before it is sent when its URL is on any other
   * origin. Derive it from the same setting as `baseUrl` (a base URL override
   * that points tests at a fake moves the origin with it). When absent, the
   * origin of `baseUrl(credentials)`; {@link originsOf} reads it.
   */
  origins?(credentials: C): ReadonlyArray<string>
  /** Validates credentials with a cheap, permission-revealing call. */
  check(context: ConnectorContext<C>): Effect.Effect<void, ConnectionError>
  readonly readers: ReadonlyArray<ModelReader<C>>
  readonly rateLimit?: ProviderHttp.RateLimit | undefined
  readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
  /** This provider's read limits, where the host's defaults do not fit (see {@link ReadLimits.ReadLimits}). */
  readonly limits?: ReadLimits.ReadLimits | undefined
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
 * import type * as Effect from "effect/Effect"
 * import * as Schema from "effect/Schema"
 * import type * as Stream from "effect/Stream"
 * import { Auth, Connector, type Errors } from "@weft/core/connector"
 * import { Employee } from "@weft/core/models"
 *
 * const Credentials = Schema.Struct({ apiKey: Schema.Redacted(Schema.String) })
 * type Credentials = typeof Credentials.Type
 *
 * // Written next to the connector: a cheap call that proves the key, and a paged read.
 * declare const checkMe: (ctx: Connector.ConnectorContext<Credentials>) => Effect.Effect<void, Errors.ConnectionError>
 * declare const listEmployees: (ctx: Connector.ConnectorContext<Credentials>) => Stream.Stream<Connector.RecordPage, Connector.ReadError>
 *
 * export const acme = Connector.define({
 *   id: "acme", name: "Acme HR", category: "hris",
 *   credentials: Credentials,
 *   auth: Auth.bearer<typeof Credentials.Type>((c) => c.apiKey),
 *   baseUrl: () => "https://api.acme.example",
 *   origins: () => ["https://api.acme.example"], // where the credentials may go
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
  // `C` comes from the credentials schema alone: `baseUrl`, `check` and the
  // readers are typed by it. A nested generic call such as `Auth.bearer(…)`
  // cannot see it, so name the type there: `Auth.bearer<Credentials>(…)`.
  readonly auth: Auth.Auth<NoInfer<C>>
  readonly baseUrl: (credentials: NoInfer<C>) => string
  /** See {@link Connector.origins}; default: the origin of `baseUrl(credentials)`. */
  readonly origins?: ((credentials: NoInfer<C>) => ReadonlyArray<string>) | undefined
  readonly check: (context: ConnectorContext<NoInfer<C>>) => Effect.Effect<void, ConnectionError>
  readonly readers: ReadonlyArray<ModelReader<NoInfer<C>>>
  readonly rateLimit?: ProviderHttp.RateLimit | undefined
  readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
  /** See {@link Connector.limits}. */
  readonly limits?: ReadLimits.ReadLimits | undefined
}): Connector<C> => {
  const decodeRaw = Schema.decodeUnknown(options.credentials, { errors: "first", onExcessProperty: "error" })
  const decode = (input: unknown) => Effect.mapError(decodeRaw(input), redactParseError)
  const encode = Schema.encode(options.credentials)
  return {
    id: options.id,
    name: options.name,
    category: options.category,
    credentials: { schema: options.credentials as Schema.Schema.AnyNoContext, decode, encode },
    auth: options.auth,
    baseUrl: options.baseUrl,
    origins: options.origins ?? ((credentials) => [options.baseUrl(credentials)]),
    check: options.check,
    readers: options.readers,
    rateLimit: options.rateLimit,
    retry: options.retry,
    limits: options.limits
  }
}

/**
 * The origins an integration's credentials may be sent to: the connector's
 * declared {@link Connector.origins} (or its base URL's origin), normalised to
 * `scheme://host[:port]`.
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted"
 * import { Connector } from "@weft/core/connector"
 * import { BambooHR } from "@weft/connectors"
 *
 * const bamboo = BambooHR.connector()
 * Connector.originsOf(bamboo, { companyDomain: "acme", apiKey: Redacted.make("…") }) // ["https://acme.bamboohr.com"]
 * ```
 * @since 0.1.0
 * @category getters
 */
export const originsOf = <C>(connector: Connector<C>, credentials: C): ReadonlyArray<string> =>
  ProviderHttp.normalizeOrigins(
    connector.origins === undefined ? [connector.baseUrl(credentials)] : connector.origins(credentials)
  )

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
 * import * as Effect from "effect/Effect"
 * import { Connector } from "@weft/core/connector"
 * import { BambooHR } from "@weft/connectors"
 *
 * const bamboo = BambooHR.connector()
 * const program = Effect.gen(function*() {
 *   const credentials = yield* bamboo.credentials.decode({ companyDomain: "acme", apiKey: "…" })
 *   const ctx = yield* Connector.makeContext(bamboo, { integrationId: "int_1", tenant: "acme", credentials })
 *   yield* bamboo.check(ctx)
 * })
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
    /** Overrides the connector's retry policy (e.g. a short one while a user waits on a connect screen). */
    readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
    /**
     * Read limits more specific than the connector's own (an integration's,
     * then the host's defaults after them); only `requestTimeout` applies here.
     */
    readonly limits?: ReadonlyArray<ReadLimits.ReadLimits | undefined> | undefined
  }
): Effect.Effect<ConnectorContext<C> & { readonly currentCredentials: Effect.Effect<C> }, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const credentials = yield* Ref.make(options.credentials)
    const baseUrl = connector.baseUrl(options.credentials)
    const origins = originsOf(connector, options.credentials)
    const http = yield* ProviderHttp.make({
      connector: connector.id,
      baseUrl,
      origins,
      auth: connector.auth,
      credentials,
      onCredentialsRefreshed: options.onCredentialsRefreshed,
      retry: options.retry === undefined ? connector.retry : { ...connector.retry, ...options.retry },
      rateLimiter: options.rateLimiter,
      requestTimeout: requestTimeoutOf(connector, options.limits)
    })
    return {
      integrationId: options.integrationId,
      tenant: options.tenant,
      credentials: options.credentials,
      http,
      baseUrl,
      origins,
      currentCredentials: Ref.get(credentials)
    }
  })

// An integration's limit first, then the connector's, then the host's defaults.
const requestTimeoutOf = (connector: Any, given: ReadonlyArray<ReadLimits.ReadLimits | undefined> = []) => {
  const [own, ...host] = given
  return ReadLimits.resolve(own, connector.limits, ...host).requestTimeout
}

/**
 * The rate limiter a connector asks for (`rateLimit`), or `undefined` when it
 * declares none. Build it once per integration in a scope that outlives the
 * integration's runs and pass it to every {@link makeContext} of that
 * integration, so consecutive and concurrent runs share one budget.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRateLimiter = <C>(
  connector: Connector<C>
): Effect.Effect<RateLimiter.RateLimiter | undefined, never, Scope.Scope> =>
  connector.rateLimit === undefined ? Effect.succeed(undefined) : ProviderHttp.makeRateLimiter(connector.rateLimit)

/**
 * Sends any request to the integration's provider with the integration's
 * auth, rate limit and retry policy, and returns the provider's response as
 * is (any status; read its body as you need). This is how a host reaches
 * provider endpoints no common model covers.
 *
 * Where it may go: a relative URL (`/v1/reports`) resolves against the
 * connector's base URL; an absolute URL is sent only when its origin (scheme,
 * host and port) is one of the integration's origins
 * ({@link Connector.origins}). A URL on another origin, with user info
 * (`https://user@host/…`) or that is not `http(s)` fails with an
 * `InvalidInputError` (field `request.url`) before anything is sent: the
 * integration's credentials never leave its provider. A redirect is followed
 * only within those origins; any other one is returned as the 3xx response.
 *
 * @example
 * ```ts
 * import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
 * import * as Effect from "effect/Effect"
 * import { Connector } from "@weft/core/connector"
 * import type { HubSpot } from "@weft/connectors"
 *
 * declare const hubspot: Connector.Connector<HubSpot.Credentials> // HubSpot.connector({ … })
 * declare const credentials: HubSpot.Credentials // the integration's tokens
 *
 * const owners = Effect.gen(function*() {
 *   const ctx = yield* Connector.makeContext(hubspot, { integrationId: "int_1", tenant: "acme", credentials })
 *   const response = yield* Connector.passthrough(ctx, HttpClientRequest.get("/crm/v3/owners"))
 *   return yield* response.json
 * })
 * ```
 * @since 0.1.0
 * @category passthrough
 */
export const passthrough = <C>(
  context: ConnectorContext<C>,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<
  HttpClientResponse.HttpClientResponse,
  HttpClientError.HttpClientError | ReauthRequiredError | InvalidInputError
> =>
  Effect.suspend(() => {
    const origins = context.origins ?? ProviderHttp.normalizeOrigins(context.baseUrl === undefined ? [] : [context.baseUrl])
    const target = context.baseUrl === undefined ? request.url : ProviderHttp.resolveUrl(context.baseUrl, request.url)
    const invalid = (reason: string) =>
      new InvalidInputError({
        field: "request.url",
        detail: `${reason}; the integration's credentials are only sent to its provider (${
          origins.length === 0 ? "no origin is declared" : origins.join(", ")
        }). Send a path relative to the provider's base URL, or an absolute URL on that origin. Nothing was sent`
      })
    switch (ProviderHttp.refusal(target, origins)) {
      case "userinfo":
        return Effect.fail(invalid("the URL names a user or password (user@host); remove it, the integration's auth is added for you"))
      case "unreadable":
        return Effect.fail(invalid(`${ProviderHttp.displayUrl(target)} is not an absolute http(s) URL`))
      case "other_origin":
        return Effect.fail(invalid(`${ProviderHttp.originOf(target)} is not the provider's origin`))
    }
    return Effect.catchTag(
      context.http.execute(request),
      "OriginNotAllowedError",
      (refused) => Effect.fail(new InvalidInputError({ field: "request.url", detail: refused.message }))
    )
  })
