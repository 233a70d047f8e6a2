import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { WeftApi } from "./WeftApi.js"

/**
 * A typed client for the Weft API, derived from the same definition as the
 * server: every endpoint is a method (`client.syncs.trigger({ path: { id } })`)
 * with typed inputs, outputs and errors.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type Client = Effect.Effect.Success<ReturnType<typeof make>>

/**
 * A client for the API at `baseUrl`, sending `token` (an API key, or a
 * connect-session token for the connect endpoints) as a bearer token.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import { WeftApiClient } from "@weft/api"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* WeftApiClient.make({
 *     baseUrl: "http://localhost:8080",
 *     token: Redacted.make(process.env.WEFT_API_KEY!)
 *   })
 *   const session = yield* client.sessions.create({ payload: { tenant: "acme", connectors: ["bamboohr"] } })
 *   return session.token // hand it to the browser
 * }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: { readonly baseUrl: string; readonly token?: Redacted.Redacted<string> | undefined }) =>
  HttpApiClient.make(WeftApi, {
    baseUrl: options.baseUrl,
    transformClient: options.token === undefined
      ? undefined
      : HttpClient.mapRequest(HttpClientRequest.bearerToken(Redacted.value(options.token)))
  })
