import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import { Weft } from "@weft/core/host"
import { BadGateway, BadRequest } from "../../definition/errors.js"
import type { PassthroughRequest } from "../../definition/groups/integrations.js"
import { WeftApi } from "../../WeftApi.js"
import { api } from "../errors.js"
import * as Views from "../views.js"

/** A passthrough answer larger than this is refused (502), not buffered. */
const MAX_PASSTHROUGH_BYTES = 5 * 1024 * 1024

// The integration's auth is added by Weft; these would override or leak it, or break framing.
const REQUEST_HEADERS_REFUSED = new Set(["authorization", "proxy-authorization", "cookie", "host", "content-length", "transfer-encoding", "connection"])
const RESPONSE_HEADERS_DROPPED = new Set(["set-cookie", "connection", "transfer-encoding", "keep-alive", "content-encoding", "content-length"])

const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|javascript))/i

const toRequest = (input: typeof PassthroughRequest.Type) =>
  Effect.gen(function*() {
    const refused = Object.keys(input.headers ?? {}).find((name) => REQUEST_HEADERS_REFUSED.has(name.toLowerCase()))
    if (refused !== undefined) {
      return yield* Effect.fail(
        new BadRequest({
          code: "invalid_input",
          message: `The header "${refused}" cannot be set on a passthrough request: Weft adds the integration's auth itself.`,
          path: `headers.${refused}`
        })
      )
    }
    let request = HttpClientRequest.make(input.method)(input.path).pipe(
      HttpClientRequest.setHeaders(input.headers ?? {}),
      HttpClientRequest.setUrlParams(input.query ?? {})
    )
    if (input.body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, input.body)
    return request
  })

export const IntegrationsLive = HttpApiBuilder.group(WeftApi, "integrations", (handlers) =>
  handlers
    .handle("list", ({ urlParams }) =>
      Effect.gen(function*() {
        const weft = yield* Weft.Weft
        const rows = yield* api(weft.integrations.list(urlParams.tenant === undefined ? {} : { tenant: urlParams.tenant }))
        return {
          items: rows
            .filter((row) => (urlParams.status === undefined || row.status === urlParams.status) &&
              (urlParams.connector === undefined || row.connector === urlParams.connector))
            .map(Views.integration)
        }
      }))
    .handle("get", ({ path }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.integrations.get(path.id))).pipe(Effect.map(Views.integration)))
    .handle("disconnect", ({ path }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.integrations.disconnect(path.id))))
    .handle("revalidate", ({ path }) =>
      Effect.flatMap(Weft.Weft, (weft) => api(weft.integrations.revalidate(path.id))).pipe(Effect.map(Views.integration)))
    .handle("updateCredentials", ({ path, payload }) =>
      Effect.flatMap(Weft.Weft, (weft) => api(weft.integrations.reconnect(path.id, payload.credentials))).pipe(
        Effect.map(Views.integration)
      ))
    .handle("passthrough", ({ path, payload }) =>
      Effect.gen(function*() {
        const weft = yield* Weft.Weft
        const request = yield* toRequest(payload)
        const response = yield* api(weft.integrations.request(path.id, request))
        const declared = Number(response.headers["content-length"] ?? "0")
        const tooLarge = new BadGateway({
          code: "response_too_large",
          message: `The provider's answer is larger than ${MAX_PASSTHROUGH_BYTES} bytes; ask for less (a page, fewer fields).`
        })
        if (declared > MAX_PASSTHROUGH_BYTES) return yield* Effect.fail(tooLarge)
        const bytes = new Uint8Array(yield* api(response.arrayBuffer))
        if (bytes.byteLength > MAX_PASSTHROUGH_BYTES) return yield* Effect.fail(tooLarge)
        const textual = TEXTUAL.test(response.headers["content-type"] ?? "")
        const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !RESPONSE_HEADERS_DROPPED.has(name)))
        return {
          status: response.status,
          headers,
          body: textual ? new TextDecoder().decode(bytes) : Buffer.from(bytes).toString("base64"),
          bodyEncoding: textual ? "utf8" as const : "base64" as const
        }
      })))
