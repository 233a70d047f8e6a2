import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { ReauthRequiredError } from "./Errors.js"
import * as internal from "./internal/oauth2.js"

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
 * Any of the supported ways to authenticate, reading credentials of type `C`.
 *
 * @since 0.1.0
 * @category models
 */
export type Auth<C> = ApiKeyHeader<C> | Basic<C> | Bearer<C> | OAuth2<C>

/**
 * An API key in a header of the provider's choosing; `prefix` is written
 * before the key as is (e.g. `"Token token="`).
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted"
 * import { Auth } from "@weft/core/connector"
 * const auth = Auth.apiKeyHeader<{ apiKey: Redacted.Redacted<string> }>({ header: "X-API-Key", key: (c) => c.apiKey })
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
 * HTTP basic auth from a user name and a password (UTF-8, RFC 7617).
 *
 * @since 0.1.0
 * @category constructors
 */
export const basic = <C>(options: {
  readonly username: (credentials: C) => Secret
  readonly password: (credentials: C) => Secret
}): Basic<C> => ({ kind: "basic", username: options.username, password: options.password })

/**
 * `Authorization: Bearer <token>` with a token that does not expire (a
 * personal access token, an API key issued as a bearer token).
 *
 * @since 0.1.0
 * @category constructors
 */
export const bearer = <C>(token: (credentials: C) => Secret): Bearer<C> => ({ kind: "bearer", token })

/**
 * OAuth 2 (authorization code grant with refresh tokens). `tokens` reads the
 * tokens from the credentials and `withTokens` writes refreshed ones back, so
 * rotated refresh tokens reach the stored credentials. The access token is
 * refreshed `refreshSkewMs` (default 60 s) before it expires.
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted"
 * import { Auth } from "@weft/core/connector"
 *
 * // What the store keeps for one connection.
 * interface Credentials extends Auth.OAuth2Tokens {
 *   readonly portalId: string
 * }
 *
 * const auth = Auth.oauth2<Credentials>({
 *   authorizeUrl: "https://app.hubspot.com/oauth/authorize",
 *   tokenUrl: "https://api.hubapi.com/oauth/v1/token",
 *   clientId: "…", clientSecret: Redacted.make("…"), scopes: ["crm.objects.contacts.read"],
 *   tokens: (c) => ({ accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAt }),
 *   withTokens: (c, t) => ({ ...c, accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: t.expiresAt })
 * })
 * ```
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

// RFC 7617: user and password are UTF-8; `btoa` would throw on anything
// outside Latin-1.
const basicHeader = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`

/**
 * Writes the credentials into a request (for OAuth 2: the current access
 * token; refreshing is the provider client's job).
 *
 * @example
 * ```ts
 * import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
 * import * as Redacted from "effect/Redacted"
 * import { Auth } from "@weft/core/connector"
 * const bamboo = Auth.apiKeyAsBasicUser<{ apiKey: Redacted.Redacted<string> }>({ key: (c) => c.apiKey, password: "x" })
 * const request = Auth.authorize(bamboo, { apiKey: Redacted.make("k") })(HttpClientRequest.get("/v1/employees"))
 * // request.headers.authorization === "Basic azp4"
 * ```
 * @since 0.1.0
 * @category combinators
 */
export const authorize = <C>(auth: Auth<C>, credentials: C) =>
(request: HttpClientRequest.HttpClientRequest): HttpClientRequest.HttpClientRequest => {
  switch (auth.kind) {
    case "apiKeyHeader":
      return HttpClientRequest.setHeader(request, auth.header, (auth.prefix ?? "") + reveal(auth.key(credentials)))
    case "basic":
      return HttpClientRequest.setHeader(
        request,
        "authorization",
        basicHeader(reveal(auth.username(credentials)), reveal(auth.password(credentials)))
      )
    case "bearer":
      return HttpClientRequest.bearerToken(request, reveal(auth.token(credentials)))
    case "oauth2":
      return HttpClientRequest.bearerToken(request, auth.tokens(credentials).accessToken)
  }
}

/**
 * Exchanges a refresh token for new tokens. A rotated refresh token in the
 * answer replaces the old one; otherwise the old one is kept.
 *
 * Fails with {@link ReauthRequiredError} when the provider refuses the grant
 * (HTTP 400/401/403, or an OAuth `error` body): the end user must connect
 * again. A network failure, 429, 5xx or unreadable answer is an
 * `HttpClientError`: transient, the tokens are still good.
 *
 * @since 0.1.0
 * @category oauth2
 */
export const refresh: <C>(
  auth: OAuth2<C>,
  connector: string,
  tokens: OAuth2Tokens
) => Effect.Effect<OAuth2Tokens, ReauthRequiredError | HttpClientError.HttpClientError, HttpClient.HttpClient> = internal.refresh

/**
 * Exchanges an authorization code (from the provider's redirect) for tokens.
 * Errors as for {@link refresh}; a code the provider refuses (expired, already
 * used, wrong redirect URI) is a {@link ReauthRequiredError}.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Auth } from "@weft/core/connector"
 * declare const auth: Auth.OAuth2<unknown> // the connector's OAuth 2 settings (`Auth.oauth2`)
 *
 * // in the host's OAuth callback handler
 * const onCallback = (code: string) =>
 *   Effect.gen(function*() {
 *     const tokens = yield* Auth.exchangeCode(auth, "hubspot", { code, redirectUri: "https://app.example/oauth/callback" })
 *     return tokens
 *   })
 * ```
 * @since 0.1.0
 * @category oauth2
 */
export const exchangeCode: <C>(
  auth: OAuth2<C>,
  connector: string,
  options: { readonly code: string; readonly redirectUri: string }
) => Effect.Effect<OAuth2Tokens, ReauthRequiredError | HttpClientError.HttpClientError, HttpClient.HttpClient> = internal.exchangeCode

/**
 * The URL to send the end user to, to grant access: `client_id`,
 * `redirect_uri`, `response_type=code`, `state`, the space-separated `scope`
 * and any provider-specific `extraParams` (e.g. `access_type=offline`).
 *
 * @example
 * ```ts
 * import { Auth } from "@weft/core/connector"
 * declare const auth: Auth.OAuth2<unknown> // the connector's OAuth 2 settings (`Auth.oauth2`)
 * declare const csrfToken: string // kept in the end user's session, checked in the callback
 *
 * Auth.authorizationUrl(auth, { redirectUri: "https://app.example/oauth/callback", state: csrfToken })
 * // "https://app.hubspot.com/oauth/authorize?client_id=…&redirect_uri=…&response_type=code&state=…&scope=…"
 * ```
 * @since 0.1.0
 * @category oauth2
 */
export const authorizationUrl: <C>(
  auth: OAuth2<C>,
  options: {
    readonly redirectUri: string
    readonly state: string
    readonly extraParams?: Readonly<Record<string, string>> | undefined
  }
) => string = internal.authorizationUrl
