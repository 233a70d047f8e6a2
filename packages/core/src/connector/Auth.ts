import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { ReauthRequiredError } from "./Errors.js"

/**
 * How a connector authenticates its requests. Each kind reads what it needs
 * from the integration's decoded credentials `C`; secrets stay `Redacted`
 * until the moment a header is written.
 *
 * @since 0.1.0
 */

type Secret = string | Redacted.Redacted<string>

const reveal = (value: Secret): string => (Redacted.isRedacted(value) ? Redacted.value(value) : value)

/**
 * An API key sent in a header (`X-API-Key: …`), optionally with a prefix.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiKeyHeader<C> {
  readonly kind: "apiKeyHeader"
  readonly header: string
  readonly prefix?: string | undefined
  key(credentials: C): Secret
}

/**
 * HTTP basic auth; also "API key as the basic user" with a fixed password.
 *
 * @since 0.1.0
 * @category models
 */
export interface Basic<C> {
  readonly kind: "basic"
  username(credentials: C): Secret
  password(credentials: C): Secret
}

/**
 * `Authorization: Bearer <token>` with a long-lived token.
 *
 * @since 0.1.0
 * @category models
 */
export interface Bearer<C> {
  readonly kind: "bearer"
  token(credentials: C): Secret
}

/**
 * OAuth 2 tokens of an integration.
 *
 * @since 0.1.0
 * @category models
 */
export interface OAuth2Tokens {
  readonly accessToken: Redacted.Redacted<string>
  readonly refreshToken: Redacted.Redacted<string>
  /** Unix ms when the access token expires, if the provider said. */
  readonly expiresAt?: number | undefined
}

/**
 * OAuth 2 authorization code grant with refresh tokens. Refreshed tokens
 * (including a rotated refresh token) are written back into the credentials
 * with `withTokens` and handed to the caller to persist.
 *
 * @since 0.1.0
 * @category models
 */
export interface OAuth2<C> {
  readonly kind: "oauth2"
  readonly authorizeUrl: string
  readonly tokenUrl: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly scopes: ReadonlyArray<string>
  /** Refresh this long before `expiresAt` (default 60 s). */
  readonly refreshSkewMs: number
  tokens(credentials: C): OAuth2Tokens
  withTokens(credentials: C, tokens: OAuth2Tokens): C
}

/**
 * @since 0.1.0
 * @category models
 */
export type Auth<C> = ApiKeyHeader<C> | Basic<C> | Bearer<C> | OAuth2<C>

/**
 * @example
 * ```ts
 * import { Auth } from "@weft/core/connector"
 * const auth = Auth.apiKeyHeader<{ apiKey: Redacted.Redacted }>({ header: "X-API-Key", key: (c) => c.apiKey })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const apiKeyHeader = <C>(options: {
  readonly header: string
  readonly prefix?: string
  readonly key: (credentials: C) => Secret
}): ApiKeyHeader<C> => ({ kind: "apiKeyHeader", header: options.header, prefix: options.prefix, key: options.key })

/**
 * The API key as the basic-auth user name, with a fixed password (BambooHR
 * uses `"x"`, Greenhouse an empty one).
 *
 * @since 0.1.0
 * @category constructors
 */
export const apiKeyAsBasicUser = <C>(options: {
  readonly key: (credentials: C) => Secret
  readonly password?: string
}): Basic<C> => {
  const password = options.password ?? ""
  return { kind: "basic", username: options.key, password: () => password }
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const basic = <C>(options: {
  readonly username: (credentials: C) => Secret
  readonly password: (credentials: C) => Secret
}): Basic<C> => ({ kind: "basic", username: options.username, password: options.password })

/**
 * @since 0.1.0
 * @category constructors
 */
export const bearer = <C>(token: (credentials: C) => Secret): Bearer<C> => ({ kind: "bearer", token })

/**
 * @since 0.1.0
 * @category constructors
 */
export const oauth2 = <C>(options: {
  readonly authorizeUrl: string
  readonly tokenUrl: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly scopes?: ReadonlyArray<string>
  readonly refreshSkewMs?: number
  readonly tokens: (credentials: C) => OAuth2Tokens
  readonly withTokens: (credentials: C, tokens: OAuth2Tokens) => C
}): OAuth2<C> => ({
  kind: "oauth2",
  authorizeUrl: options.authorizeUrl,
  tokenUrl: options.tokenUrl,
  clientId: options.clientId,
  clientSecret: options.clientSecret,
  scopes: options.scopes ?? [],
  refreshSkewMs: options.refreshSkewMs ?? 60_000,
  tokens: options.tokens,
  withTokens: options.withTokens
})

/**
 * Writes the credentials into a request (for OAuth 2: the current access
 * token; refreshing is the provider client's job).
 *
 * @since 0.1.0
 * @category combinators
 */
export const authorize = <C>(auth: Auth<C>, credentials: C) =>
(request: HttpClientRequest.HttpClientRequest): HttpClientRequest.HttpClientRequest => {
  switch (auth.kind) {
    case "apiKeyHeader":
      return HttpClientRequest.setHeader(request, auth.header, (auth.prefix ?? "") + reveal(auth.key(credentials)))
    case "basic":
      return HttpClientRequest.basicAuth(request, reveal(auth.username(credentials)), reveal(auth.password(credentials)))
    case "bearer":
      return HttpClientRequest.bearerToken(request, reveal(auth.token(credentials)))
    case "oauth2":
      return HttpClientRequest.bearerToken(request, auth.tokens(credentials).accessToken)
  }
}

const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  refresh_token: Schema.optional(Schema.String),
  expires_in: Schema.optional(Schema.Number),
  token_type: Schema.optional(Schema.String)
})

const tokenRequest = <C>(
  auth: OAuth2<C>,
  connector: string,
  params: Record<string, string>,
  previousRefresh: Option.Option<Redacted.Redacted<string>>
): Effect.Effect<OAuth2Tokens, ReauthRequiredError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const fail = (detail: string) => new ReauthRequiredError({ connector, detail })
    const response = yield* client.execute(
      HttpClientRequest.post(auth.tokenUrl).pipe(
        HttpClientRequest.acceptJson,
        HttpClientRequest.bodyUrlParams({
          ...params,
          client_id: auth.clientId,
          client_secret: Redacted.value(auth.clientSecret)
        })
      )
    ).pipe(Effect.mapError((e) => fail(`token endpoint unreachable: ${e._tag}`)))
    if (response.status < 200 || response.status >= 300) {
      const body = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
      const code = /"error"\s*:\s*"([^"]+)"/.exec(body)?.[1]
      return yield* fail(`token endpoint answered HTTP ${response.status}${code === undefined ? "" : ` (${code})`}`)
    }
    const json = yield* response.json.pipe(
      Effect.flatMap(Schema.decodeUnknown(TokenResponse)),
      Effect.mapError(() => fail("token endpoint answered an unreadable body"))
    )
    const now = yield* Clock.currentTimeMillis
    const refresh = json.refresh_token !== undefined ? Option.some(Redacted.make(json.refresh_token)) : previousRefresh
    if (Option.isNone(refresh)) return yield* fail("token endpoint issued no refresh token")
    return {
      accessToken: Redacted.make(json.access_token),
      refreshToken: refresh.value,
      expiresAt: json.expires_in === undefined ? undefined : now + json.expires_in * 1000
    }
  })

/**
 * Exchanges a refresh token for new tokens. A rotated refresh token in the
 * answer replaces the old one; otherwise the old one is kept.
 *
 * @since 0.1.0
 * @category oauth2
 */
export const refresh = <C>(
  auth: OAuth2<C>,
  connector: string,
  tokens: OAuth2Tokens
): Effect.Effect<OAuth2Tokens, ReauthRequiredError, HttpClient.HttpClient> =>
  tokenRequest(
    auth,
    connector,
    { grant_type: "refresh_token", refresh_token: Redacted.value(tokens.refreshToken) },
    Option.some(tokens.refreshToken)
  )

/**
 * Exchanges an authorization code (from the provider's redirect) for tokens.
 *
 * @since 0.1.0
 * @category oauth2
 */
export const exchangeCode = <C>(
  auth: OAuth2<C>,
  connector: string,
  options: { readonly code: string; readonly redirectUri: string }
): Effect.Effect<OAuth2Tokens, ReauthRequiredError, HttpClient.HttpClient> =>
  tokenRequest(
    auth,
    connector,
    { grant_type: "authorization_code", code: options.code, redirect_uri: options.redirectUri },
    Option.none()
  )

/**
 * The URL to send the end user to, to grant access.
 *
 * @since 0.1.0
 * @category oauth2
 */
export const authorizationUrl = <C>(
  auth: OAuth2<C>,
  options: { readonly redirectUri: string; readonly state: string }
): string => {
  const url = new URL(auth.authorizeUrl)
  url.searchParams.set("client_id", auth.clientId)
  url.searchParams.set("redirect_uri", options.redirectUri)
  url.searchParams.set("response_type", "code")
  url.searchParams.set("state", options.state)
  if (auth.scopes.length > 0) url.searchParams.set("scope", auth.scopes.join(" "))
  return url.toString()
}
