import { timingSafeEqual } from "node:crypto"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { Auth } from "@weft/core/connector"
import { Weft } from "@weft/core/host"
import { BadRequest } from "../../definition/errors.js"
import type { OAuthResult } from "../../definition/groups/connect.js"
import { WeftApi } from "../../WeftApi.js"
import { ApiServerContext } from "../context.js"
import { toApi } from "../errors.js"
import { allowedReturn, browserBinding, OAUTH_COOKIE, redirectUri } from "./connect.js"

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" })[c]!)

// `<` escaped so the JSON cannot close the script element.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c")

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

// Posted only to the origin of the page that started the authorisation.
const page = (result: OAuthResult, targetOrigin: string) => {
  const text = result.status === "connected" ? "Connected. You can close this window." : `${result.message} ${result.resolution}`
  return HttpServerResponse.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${result.status === "connected" ? "Connected" : "Not connected"}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem"><p role="status">${escapeHtml(text)}</p>
<script type="application/json" id="weft-oauth-result">${scriptJson(result)}</script>
<script>
  const result = JSON.parse(document.getElementById("weft-oauth-result").textContent);
  if (window.opener) { window.opener.postMessage(result, ${scriptJson(targetOrigin)}); window.close(); }
</script></body></html>`)
}

const redirect = (returnUrl: string, result: OAuthResult) => {
  const url = new URL(returnUrl)
  url.searchParams.set("weft_status", result.status)
  url.searchParams.set("weft_connector", result.connector)
  if (result.status === "connected") url.searchParams.set("weft_integration_id", result.integrationId)
  else {
    url.searchParams.set("weft_error_code", result.code)
    url.searchParams.set("weft_error_message", result.message)
    url.searchParams.set("weft_error_resolution", result.resolution)
  }
  return HttpServerResponse.redirect(url.toString(), { status: 302 })
}

const badState = new BadRequest({
  code: "invalid_input",
  message: "The OAuth state is missing, altered or expired: start the connection again from the connect screen.",
  path: "state"
})

export const OAuthCallbackLive = HttpApiBuilder.group(WeftApi, "oauthCallback", (handlers) =>
  handlers.handle("callback", ({ request, urlParams }) =>
    Effect.gen(function*() {
      const context = yield* ApiServerContext
      const state = urlParams.state === undefined ? Option.none() : context.signer.readState(urlParams.state)
      const now = yield* Clock.currentTimeMillis
      if (Option.isNone(state) || state.value.expiresAt <= now) return yield* Effect.fail(badState)
      const { browser, connector: connectorId, openerOrigin, returnUrl, sessionId, tenant } = state.value
      const connector = context.connectors.find((c) => c.id === connectorId)
      if (connector === undefined || connector.auth.kind !== "oauth2" || context.publicUrl === undefined) {
        return yield* Effect.fail(badState)
      }
      const fail = (code: string, message: string, resolution: string): OAuthResult => ({
        type: "weft:oauth",
        status: "error",
        connector: connectorId,
        code,
        message,
        resolution
      })
      const outcome: OAuthResult = yield* Effect.gen(function*() {
        if (urlParams.error !== undefined || urlParams.code === undefined) {
          return fail(
            urlParams.error === "access_denied" ? "access_denied" : "authorization_failed",
            `${connector.name} did not grant access${urlParams.error === undefined ? "" : ` (${urlParams.error})`}.`,
            "Start again and approve the access Weft asks for."
          )
        }
        // Only in the browser that started it (see OAUTH_COOKIE).
        const nonce = request.cookies[OAUTH_COOKIE]
        if (nonce === undefined || !sameText(browserBinding(nonce), browser)) {
          return fail(
            "state_mismatch",
            `This ${connector.name} authorisation was started in another browser, or its cookie was blocked.`,
            "Start the connection again from the connect screen, in this browser."
          )
        }
        if (!context.sessions.claim(sessionId)) {
          return fail("session_used", "This connect session connected an integration already, or is connecting one.", "Ask for a new connect session.")
        }
        const connected = Effect.gen(function*() {
          const auth = connector.auth as Auth.OAuth2<unknown>
          const tokens = yield* Auth.exchangeCode(auth, connector.id, { code: urlParams.code!, redirectUri: redirectUri(context.publicUrl!) })
          const credentials = yield* Effect.orDie(connector.credentials.encode(auth.withTokens({}, tokens)))
          const weft = yield* Weft.Weft
          return yield* weft.integrations.connect({ connector: connector.id, tenant, credentials })
        })
        const { integration } = yield* connected.pipe(
          Effect.onExit((exit) => (exit._tag === "Success" ? Effect.void : Effect.sync(() => context.sessions.release(sessionId))))
        )
        context.sessions.markConnected(sessionId, integration.id, state.value.expiresAt, yield* Clock.currentTimeMillis)
        return { type: "weft:oauth", status: "connected", integrationId: integration.id, connector: connector.id } as const
      }).pipe(
        Effect.catchAll((error) =>
          Effect.map(Effect.either(toApi(error)), (mapped) => {
            const e = Either.isLeft(mapped) ? mapped.left : undefined
            return e !== undefined && e._tag === "ConnectionRefused"
              ? fail(e.code, e.message, e.resolution)
              : fail("provider_unavailable", `${connector.name} could not be reached to finish the connection.`, "Try again in a few minutes.")
          })
        )
      )
      // The cookie has done its work either way.
      const response = returnUrl !== undefined && allowedReturn(context, returnUrl)
        ? redirect(returnUrl, outcome)
        : page(outcome, openerOrigin ?? new URL(context.publicUrl).origin)
      return yield* Effect.orDie(HttpServerResponse.expireCookie(response, OAUTH_COOKIE, { path: "/" }))
    })))
