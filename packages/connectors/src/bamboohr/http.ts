import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { Connector, ProviderHttp } from "@weft/core/connector"
import { Errors } from "@weft/core/connector"
import * as Effect from "effect/Effect"

/**
 * Sending BambooHR requests during reads: a non-2xx answer becomes a typed
 * error carrying BambooHR's own explanation.
 *
 * @since 0.1.0
 */

/**
 * `METHOD /path` of a request (its query is not part of it).
 *
 * @since 0.1.0
 * @category errors
 */
export const operationOf = (request: HttpClientRequest.HttpClientRequest): string => `${request.method} ${request.url}`

/**
 * @since 0.1.0
 * @category responses
 */
export const isOk = (response: HttpClientResponse.HttpClientResponse): boolean =>
  response.status >= 200 && response.status < 300

/**
 * A non-2xx answer as a typed error, with BambooHR's own explanation (sent in
 * a header) when there is one.
 *
 * @since 0.1.0
 * @category errors
 */
export const statusError = (
  request: HttpClientRequest.HttpClientRequest,
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<never, Errors.ConnectorError> =>
  Effect.flatMap(response.text.pipe(Effect.orElseSucceed(() => "")), (body) => {
    const explained = response.headers["x-bamboohr-message"] ?? response.headers["x-bamboohr-error-message"]
    return Effect.fail(
      new Errors.ConnectorError({
        operation: operationOf(request),
        status: response.status,
        detail: explained ?? (body.trim() === "" ? "BambooHR answered with an error status" : body.slice(0, 300))
      })
    )
  })

/**
 * Sends a request and insists on a 2xx answer.
 *
 * @since 0.1.0
 * @category requests
 */
export const sendOk = (
  client: ProviderHttp.ProviderClient,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, Connector.ReadError> =>
  Effect.flatMap(client.execute(request), (response) => (isOk(response) ? Effect.succeed(response) : statusError(request, response)))
