import type { Auth, Connector, ProviderHttp } from "@weft/core/connector"
import { Errors } from "@weft/core/connector"
import { HTTPError, isTimeoutError } from "ky"
import * as Redacted from "effect/Redacted"

/**
 * How the kit turns what plain async code throws into Weft's typed errors.
 *
 * @since 0.1.0
 */

/**
 * Thrown by the kit's `fetch` when the integration's provider client failed
 * (connection error after retries, refused OAuth refresh, …). Readers and
 * checks may let it escape: the kit recovers the typed error it carries.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProviderCallError extends Error {
  override readonly name = "ProviderCallError"
  constructor(
    /** `METHOD /path` of the request that failed. */
    readonly operation: string,
    readonly error: ProviderHttp.ProviderClientError
  ) {
    super(`${operation} failed: ${error.message}`)
  }
}

/**
 * Removes secrets from text that may end up in an error: every secret of the
 * integration's credentials, and any `Bearer …` token.
 *
 * @since 0.1.0
 * @category models
 */
export type Scrub = (text: string) => string

type Secret = string | Redacted.Redacted<string>

const reveal = (value: Secret): string => (Redacted.isRedacted(value) ? Redacted.value(value) : value)

const secretsOf = <C>(auth: Auth.Auth<C>, credentials: C): ReadonlyArray<Secret> => {
  switch (auth.kind) {
    case "apiKeyHeader":
      return [auth.key(credentials)]
    case "basic":
      return [auth.username(credentials), auth.password(credentials)]
    case "bearer":
      return [auth.token(credentials)]
    case "oauth2": {
      const tokens = auth.tokens(credentials)
      return [tokens.accessToken, tokens.refreshToken, auth.clientSecret]
    }
  }
}

/**
 * The scrubber of one integration.
 *
 * @since 0.1.0
 * @category constructors
 */
export const scrubberFor = <C>(auth: Auth.Auth<C>, credentials: C): Scrub => {
  let secrets: Array<string> = []
  try {
    // Short values (a blank basic password, "x") are not secrets worth hiding
    // and would mangle every message.
    secrets = secretsOf(auth, credentials).map(reveal).filter((s) => s.length >= 6)
  } catch {
    secrets = []
  }
  return (text) => {
    let out = text.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 <redacted>")
    for (const secret of secrets) out = out.split(secret).join("<redacted>")
    return out
  }
}

/**
 * `METHOD /path` of a web request, for error operations (no query string:
 * it may carry identifiers an operator need not see in an audit).
 *
 * @since 0.1.0
 * @category models
 */
export const describeRequest = (request: { readonly method: string; readonly url: string }): string => {
  try {
    return `${request.method.toUpperCase()} ${new URL(request.url).pathname}`
  } catch {
    return request.method.toUpperCase()
  }
}

const isWeftReadError = (
  u: unknown
): u is Errors.ConnectorError | Errors.ReauthRequiredError | Errors.PaginationLoopError | Errors.OriginNotAllowedError =>
  u instanceof Errors.ConnectorError ||
  u instanceof Errors.ReauthRequiredError ||
  u instanceof Errors.PaginationLoopError ||
  u instanceof Errors.OriginNotAllowedError

const messageOf = (u: unknown): string =>
  u instanceof Error ? u.message : typeof u === "string" ? u : (() => {
    try {
      return JSON.stringify(u) ?? String(u)
    } catch {
      return String(u)
    }
  })()

const bodyExcerpt = async (error: HTTPError): Promise<string> => {
  try {
    const text = await error.response.text()
    return text.trim().slice(0, 300)
  } catch {
    return ""
  }
}

const fromProviderError = (operation: string, error: ProviderHttp.ProviderClientError, scrub: Scrub): Connector.ReadError => {
  if (isWeftReadError(error)) return error
  return new Errors.ConnectorError({
    operation,
    detail: scrub(`the provider could not be reached: ${error.message}`)
  })
}

/**
 * A thrown value from a reader as a typed read error:
 * - Weft's own errors (`ConnectorError`, `ReauthRequiredError`,
 *   `PaginationLoopError`, `OriginNotAllowedError`) pass through;
 * - a ky `HTTPError` (non-2xx) becomes a `ConnectorError` naming the request,
 *   the status and the start of the provider's answer;
 * - a failed provider call becomes the error it carries (a request off the
 *   integration's origins: `OriginNotAllowedError`, nothing was sent);
 * - anything else becomes a `ConnectorError` with its message.
 *
 * Secrets are scrubbed from every detail.
 *
 * @since 0.1.0
 * @category errors
 */
export const toReadError = async (
  thrown: unknown,
  options: { readonly operation: string; readonly lastRequest: string | undefined; readonly scrub: Scrub }
): Promise<Connector.ReadError> => {
  const { scrub } = options
  if (isWeftReadError(thrown)) return thrown
  if (thrown instanceof ProviderCallError) return fromProviderError(thrown.operation, thrown.error, scrub)
  if (thrown instanceof HTTPError) {
    const body = await bodyExcerpt(thrown)
    return new Errors.ConnectorError({
      operation: describeRequest(thrown.request),
      status: thrown.response.status,
      detail: scrub(body.length === 0 ? "the provider answered with an error status" : body)
    })
  }
  const after = options.lastRequest === undefined ? "" : ` (after ${options.lastRequest})`
  if (isTimeoutError(thrown)) {
    return new Errors.ConnectorError({ operation: options.operation, detail: `the provider did not answer in time${after}` })
  }
  return new Errors.ConnectorError({
    operation: options.operation,
    detail: scrub(`${messageOf(thrown)}${after}`)
  })
}

/**
 * A thrown value from `check` as a `ConnectionError`: a thrown
 * `ConnectionError` is kept; a refused OAuth refresh means the credentials no
 * longer work; anything else says the provider could not be checked.
 *
 * @since 0.1.0
 * @category errors
 */
export const toConnectionError = async (
  thrown: unknown,
  options: { readonly provider: string; readonly scrub: Scrub }
): Promise<Errors.ConnectionError> => {
  const { provider, scrub } = options
  if (thrown instanceof Errors.ConnectionError) return thrown
  const inner = thrown instanceof ProviderCallError ? thrown.error : thrown
  if (inner instanceof Errors.ReauthRequiredError) {
    return new Errors.ConnectionError({
      code: "invalid_credentials",
      message: `${provider} no longer accepts this connection's authorization.`,
      resolution: `Connect your ${provider} account again.`
    })
  }
  if (inner instanceof Errors.OriginNotAllowedError) {
    return new Errors.ConnectionError({
      code: "provider_unavailable",
      message: scrub(`${provider} could not be checked: ${inner.message}`),
      resolution: `The ${provider} connector is set up with an address its credentials may not be sent to; ask the application's support to fix its base URL or origins.`
    })
  }
  let detail = messageOf(inner)
  let status: number | undefined
  if (inner instanceof HTTPError) {
    status = inner.response.status
    const body = await bodyExcerpt(inner)
    detail = `${describeRequest(inner.request)} answered HTTP ${status}${body.length === 0 ? "" : `: ${body}`}`
  }
  return new Errors.ConnectionError({
    code: "provider_unavailable",
    message: scrub(`${provider} could not be reached to check the credentials (${detail}).`),
    resolution: `Try again in a few minutes. If it keeps failing, check ${provider}'s status page.`,
    ...(status === undefined ? {} : { status })
  })
}
