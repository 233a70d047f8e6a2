import { createHash, randomBytes } from "node:crypto"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Auth, type Connector, CredentialForm } from "@weft/core/connector"
import { Weft } from "@weft/core/host"
import { BadRequest, Conflict, Forbidden, TooManyRequests } from "../../definition/errors.js"
import { type ConnectSession, CurrentSession } from "../../definition/security.js"
import { WeftApi } from "../../WeftApi.js"
import { ApiServerContext, type ServerContext } from "../context.js"
import { api } from "../errors.js"
import { instant } from "../views.js"

/** How long the end user has at the provider's consent screen. */
const CONSENT_MS = 10 * 60_000

export const redirectUri = (publicUrl: string): string => `${publicUrl}/connect/oauth2/callback`

const offer = (connector: Connector.Any) => {
  const form = CredentialForm.of(connector)
  return {
    id: connector.id,
    name: connector.name,
    category: connector.category,
    kind: form.kind,
    fields: form.fields.map((field) => ({
      name: field.name,
      title: field.title,
      required: field.required,
      secret: field.secret,
      ...(field.description === undefined ? {} : { description: field.description }),
      ...(field.helpUrl === undefined ? {} : { helpUrl: field.helpUrl }),
      ...(field.examples === undefined ? {} : { examples: field.examples })
    })),
    jsonSchema: form.jsonSchema
  }
}

/** The session's connector `id`, or 403 when the session does not offer it. */
export const inScope = (context: ServerContext, session: ConnectSession, id: string) => {
  const connector = context.connectors.find((c) => c.id === id)
  return connector !== undefined && session.connectors.includes(id)
    ? Effect.succeed(connector)
    : Effect.fail(
      new Forbidden({
        code: "out_of_scope",
        message: `This connect session does not offer the connector "${id}". It offers: ${session.connectors.join(", ")}.`
      })
    )
}

export const notConnectedYet = (context: ServerContext, session: ConnectSession) => {
  const integrationId = context.sessions.connected(session.id)
  return integrationId === undefined
    ? Effect.void
    : Effect.fail(
      new Conflict({
        code: "session_used",
        message: `This connect session already connected integration ${integrationId}; ask for a new session to connect another.`
      })
    )
}

/**
 * The cookie that ties an OAuth authorisation to the browser that started
 * it: `authorize` sets a random nonce, the state carries its hash, and the
 * callback connects only when the browser it runs in sends the nonce back.
 */
export const OAUTH_COOKIE = "weft_oauth"

export const browserBinding = (nonce: string): string => createHash("sha256").update(nonce).digest("base64url")

/** Whether `url` is http(s) on one of the origins OAuth may return to. */
export const allowedReturn = (context: ServerContext, url: string): boolean =>
  isWebUrl(url) && context.returnOrigins.includes(new URL(url).origin)

const isWebUrl = (text: string) => {
  try {
    const url = new URL(text)
    return url.protocol === "https:" || url.protocol === "http:"
  } catch {
    return false
  }
}

export const ConnectLive = HttpApiBuilder.group(WeftApi, "connect", (handlers) =>
  handlers
    .handle("session", () =>
      Effect.gen(function*() {
        const context = yield* ApiServerContext
        const session = yield* CurrentSession
        const integrationId = context.sessions.connected(session.id)
        return {
          id: session.id,
          tenant: session.tenant,
          expiresAt: instant(session.expiresAt),
          connectors: context.connectors.filter((c) => session.connectors.includes(c.id)).map(offer),
          ...(integrationId === undefined ? {} : { integrationId })
        }
      }))
    .handle("submit", ({ payload }) =>
      Effect.gen(function*() {
        const context = yield* ApiServerContext
        const session = yield* CurrentSession
        const connector = yield* inScope(context, session, payload.connector)
        if (connector.auth.kind === "oauth2") {
          return yield* Effect.fail(
            new BadRequest({
              code: "invalid_input",
              message: `${connector.name} connects through its own consent screen: start it with POST /connect/oauth2/${connector.id}/authorize.`,
              path: "connector"
            })
          )
        }
        yield* notConnectedYet(context, session)
        const now = yield* Clock.currentTimeMillis
        const wait = context.sessions.attempt(session.id, now, session.expiresAt)
        if (Option.isSome(wait)) {
          return yield* Effect.fail(
            new TooManyRequests({
              code: "too_many_requests",
              message: `Too many attempts with this connect session; try again in ${wait.value} s.`,
              retryAfterSeconds: wait.value
            })
          )
        }
        // One attempt at a time per session: a second one arriving while the
        // provider checks the first is refused, not run in parallel.
        if (!context.sessions.claim(session.id)) {
          return yield* Effect.fail(
            new Conflict({
              code: "session_used",
              message: "This connect session is connecting an integration already; wait for that attempt to finish."
            })
          )
        }
        const weft = yield* Weft.Weft
        const { integration } = yield* api(
          weft.integrations.connect({ connector: connector.id, tenant: session.tenant, credentials: payload.credentials })
        ).pipe(Effect.onExit((exit) => (exit._tag === "Success" ? Effect.void : Effect.sync(() => context.sessions.release(session.id)))))
        context.sessions.markConnected(session.id, integration.id, session.expiresAt, yield* Clock.currentTimeMillis)
        return { integrationId: integration.id, connector: integration.connector, tenant: integration.tenant, status: integration.status }
      }))
    .handle("authorize", ({ path, payload, request }) =>
      Effect.gen(function*() {
        const context = yield* ApiServerContext
        const session = yield* CurrentSession
        const connector = yield* inScope(context, session, path.connector)
        if (connector.auth.kind !== "oauth2") {
          return yield* Effect.fail(
            new BadRequest({
              code: "invalid_input",
              message: `${connector.name} does not use OAuth: submit its credential form with POST /connect/integrations.`,
              path: "connector"
            })
          )
        }
        if (context.publicUrl === undefined) {
          return yield* Effect.fail(
            new BadRequest({
              code: "invalid_input",
              message: "OAuth needs the API's public URL for the provider to redirect to: set the server's `publicUrl` option."
            })
          )
        }
        if (payload.returnUrl !== undefined && !allowedReturn(context, payload.returnUrl)) {
          return yield* Effect.fail(
            new BadRequest({
              code: "invalid_input",
              message: `returnUrl must be an absolute http(s) URL on one of these origins: ${context.returnOrigins.join(", ")} (the server's returnOrigins option).`,
              path: "body.returnUrl"
            })
          )
        }
        yield* notConnectedYet(context, session)
        const now = yield* Clock.currentTimeMillis
        const nonce = randomBytes(18).toString("base64url")
        const expiresAt = Math.min(session.expiresAt, now + CONSENT_MS)
        const origin = request.headers["origin"]
        const state = context.signer.state({
          sessionId: session.id,
          tenant: session.tenant,
          connector: connector.id,
          expiresAt,
          returnUrl: payload.returnUrl,
          openerOrigin: origin !== undefined && isWebUrl(origin) ? new URL(origin).origin : undefined,
          browser: browserBinding(nonce)
        })
        const url = Auth.authorizationUrl(connector.auth, { redirectUri: redirectUri(context.publicUrl), state })
        return yield* HttpServerResponse.unsafeJson({ url }).pipe(
          HttpServerResponse.setCookie(OAUTH_COOKIE, nonce, {
            httpOnly: true,
            sameSite: "lax",
            secure: context.publicUrl.startsWith("https:"),
            path: "/",
            maxAge: `${Math.max(1, Math.ceil((expiresAt - now) / 1000))} seconds`
          }),
          Effect.orDie
        )
      })))
