import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * A client that never follows a redirect by itself. `FetchHttpClient` follows
 * by default, carrying custom auth headers and a request's body (a token
 * request's client secret) to wherever the answer points; it is run with
 * `redirect: "manual"`. `NodeHttpClient`'s clients do not follow redirects.
 *
 * @internal
 */
export const manual = <E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E, R> =>
  HttpClient.transform(client, (execute) =>
    Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
      Effect.provideService(execute, FetchHttpClient.RequestInit, {
        ...Option.getOrElse(init, () => ({})),
        redirect: "manual"
      })))
