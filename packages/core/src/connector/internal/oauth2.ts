import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { OAuth2, OAuth2Tokens } from "../Auth.js"
import { ReauthRequiredError } from "../Errors.js"
import * as redirects from "./redirects.js"

/** @internal */
export type TokenError = ReauthRequiredError | HttpClientError.HttpClientError

const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  refresh_token: Schema.optional(Schema.String),
  // Some providers send the lifetime as a string.
  expires_in: Schema.optional(Schema.Union(Schema.Number, Schema.NumberFromString)),
  token_type: Schema.optional(Schema.String)
})

const ErrorResponse = Schema.Struct({ error: Schema.String })

// RFC 6749 §5.2: a refused grant is a 400 (401 for a bad client). Those mean
// the end user must connect again; anything else (5xx, 429, a network
// failure, an unreadable body) is transient and must not cost them that.
const REFUSED = [400, 401, 403]

/** @internal */
export const tokenRequest = <C>(
  auth: OAuth2<C>,
  connector: string,
  grant: "refresh_token" | "authorization_code",
  params: Record<string, string>,
  previousRefresh: Option.Option<Redacted.Redacted<string>>
): Effect.Effect<OAuth2Tokens, TokenError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    // Never followed: a redirect would carry the client secret to wherever it points.
    const client = redirects.manual(yield* HttpClient.HttpClient)
    const refused = (detail: string) => new ReauthRequiredError({ connector, detail })
    // Transient failures stay HTTP client errors, as for any provider call.
    // The form body (client secret, refresh token) prints as `Uint8Array(n)`.
    const request = HttpClientRequest.post(auth.tokenUrl).pipe(
      HttpClientRequest.acceptJson,
      HttpClientRequest.bodyUrlParams({
        grant_type: grant,
        ...params,
        client_id: auth.clientId,
        client_secret: Redacted.value(auth.clientSecret)
      })
    )
    const response = yield* client.execute(request)
    const transient = (reason: "StatusCode" | "Decode", description: string) =>
      new HttpClientError.ResponseError({ request, response, reason, description })

    const body = yield* response.json.pipe(Effect.orElseSucceed((): unknown => undefined))
    const providerError = Option.getOrUndefined(Schema.decodeUnknownOption(ErrorResponse)(body))?.error
    const named = providerError === undefined ? "" : ` (${providerError.slice(0, 64)})`
    if (REFUSED.includes(response.status)) {
      return yield* refused(`token endpoint refused the ${grant} grant with HTTP ${response.status}${named}`)
    }
    if (response.status < 200 || response.status >= 300) {
      return yield* transient("StatusCode", `token endpoint answered HTTP ${response.status}${named}`)
    }
    const tokens = Schema.decodeUnknownOption(TokenResponse)(body)
    if (Option.isNone(tokens)) {
      // A 2xx carrying an OAuth error object is a refusal too.
      return yield* providerError !== undefined
        ? refused(`token endpoint refused the ${grant} grant${named}`)
        : transient("Decode", "token endpoint answered a body without an access_token")
    }
    const json = tokens.value
    const now = yield* Clock.currentTimeMillis
    const refresh = json.refresh_token !== undefined && json.refresh_token.length > 0
      ? Option.some(Redacted.make(json.refresh_token))
      : previousRefresh
    if (Option.isNone(refresh)) {
      return yield* refused("token endpoint issued no refresh token; check that offline access is requested")
    }
    return {
      accessToken: Redacted.make(json.access_token),
      refreshToken: refresh.value,
      expiresAt: json.expires_in === undefined ? undefined : now + json.expires_in * 1000
    }
  })

/** @internal */
export const refresh = <C>(
  auth: OAuth2<C>,
  connector: string,
  tokens: OAuth2Tokens
): Effect.Effect<OAuth2Tokens, TokenError, HttpClient.HttpClient> =>
  tokenRequest(
    auth,
    connector,
    "refresh_token",
    { refresh_token: Redacted.value(tokens.refreshToken) },
    Option.some(tokens.refreshToken)
  )

/** @internal */
export const exchangeCode = <C>(
  auth: OAuth2<C>,
  connector: string,
  options: { readonly code: string; readonly redirectUri: string }
): Effect.Effect<OAuth2Tokens, TokenError, HttpClient.HttpClient> =>
  tokenRequest(
    auth,
    connector,
    "authorization_code",
    { code: options.code, redirect_uri: options.redirectUri },
    Option.none()
  )

/** @internal */
export const authorizationUrl = <C>(
  auth: OAuth2<C>,
  options: {
    readonly redirectUri: string
    readonly state: string
    readonly extraParams?: Readonly<Record<string, string>> | undefined
  }
): string => {
  const url = new URL(auth.authorizeUrl)
  url.searchParams.set("client_id", auth.clientId)
  url.searchParams.set("redirect_uri", options.redirectUri)
  url.searchParams.set("response_type", "code")
  url.searchParams.set("state", options.state)
  if (auth.scopes.length > 0) url.searchParams.set("scope", auth.scopes.join(" "))
  for (const [key, value] of Object.entries(options.extraParams ?? {})) url.searchParams.set(key, value)
  return url.toString()
}
