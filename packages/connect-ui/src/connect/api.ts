import type { WeftApi } from "@weft/api"

/**
 * The connect endpoints of the Weft API over `fetch`, with a connect-session
 * token. Types come from `@weft/api` (type-only: nothing of it is bundled),
 * so the element and the API cannot drift apart.
 */

/** A connect session as `GET /connect/session` returns it. */
export type Session = typeof WeftApi.SessionView.Type
/** A connector the session offers, with its credential form. */
export type Offer = typeof WeftApi.ConnectorOffer.Type
/** One field of a credential form. */
export type Field = typeof WeftApi.CredentialField.Type
/** What `POST /connect/integrations` answers on success. */
export type Connected = typeof WeftApi.Connected.Type

/**
 * The codes an error can carry: the API's, the OAuth callback's, and the
 * element's own (`network_error`, `unexpected_response`).
 *
 * @since 0.1.0
 * @category models
 */
export type ErrorCode =
  | WeftApi.BadRequest["code"]
  | WeftApi.Unauthorized["code"]
  | WeftApi.Forbidden["code"]
  | WeftApi.NotFound["code"]
  | WeftApi.Conflict["code"]
  | WeftApi.PayloadTooLarge["code"]
  | WeftApi.ConnectionRefused["code"]
  | WeftApi.TooManyRequests["code"]
  | WeftApi.Unavailable["code"]
  | "access_denied"
  | "authorization_failed"
  | "network_error"
  | "unexpected_response"

/** A refused or failed call. `message` and `resolution` are empty when the API gave none. */
export interface Problem {
  readonly status: number
  readonly code: ErrorCode
  readonly message: string
  readonly resolution: string
  readonly retryAfterSeconds?: number | undefined
}

export type Outcome<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly problem: Problem }

const text = (value: unknown): string => (typeof value === "string" ? value : "")

const call = async <A>(
  base: string,
  token: string,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  credentials: RequestCredentials = "omit"
): Promise<Outcome<A>> => {
  let response: Response
  try {
    response = await fetch(base.replace(/\/+$/, "") + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      credentials,
      cache: "no-store"
    })
  } catch {
    return { ok: false, problem: { status: 0, code: "network_error", message: "", resolution: "" } }
  }
  const json: unknown = await response.json().catch(() => undefined)
  if (response.ok && json !== undefined) return { ok: true, value: json as A }
  const error = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>
  return {
    ok: false,
    problem: {
      status: response.status,
      code: (text(error["code"]) || "unexpected_response") as ErrorCode,
      message: text(error["message"]),
      resolution: text(error["resolution"]),
      retryAfterSeconds: typeof error["retryAfterSeconds"] === "number" ? error["retryAfterSeconds"] : undefined
    }
  }
}

/** The three connect calls, for one API base URL and token. */
export const client = (base: string, token: string) => ({
  session: () => call<Session>(base, token, "GET", "/connect/session"),
  submit: (connector: string, credentials: Readonly<Record<string, string>>) =>
    call<Connected>(base, token, "POST", "/connect/integrations", { connector, credentials }),
  authorize: (connector: string, returnUrl?: string) =>
    call<{ readonly url: string }>(
      base,
      token,
      "POST",
      `/connect/oauth2/${encodeURIComponent(connector)}/authorize`,
      returnUrl === undefined ? {} : { returnUrl },
      // The API sets a cookie that ties the authorisation to this browser; the callback checks it.
      "same-origin"
    )
})
