import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as Effect from "effect/Effect"
import type { Errors } from "@weft/core/connector"
import type { Connectors, SyncEngine } from "@weft/core/engine"
import type { Input } from "@weft/core/ground"
import type { Api } from "@weft/core/host"
import type { Model } from "@weft/core/models"
import type { Sink } from "@weft/core/sink"
import type { Store } from "@weft/core/store"
import { BadGateway, BadRequest, Conflict, ConnectionRefused, NotFound, Unavailable } from "../definition/errors.js"

type NotFoundError = Store.NotFoundError
type StoreError = Store.StoreError
type DestinationError = Sink.DestinationError

/**
 * How each error of the host API answers over HTTP. The mapping is typed
 * per error, so an endpoint that can fail with a core error must declare the
 * API error it becomes.
 */

type CoreError =
  | NotFoundError
  | StoreError
  | Input.InvalidInputError
  | Api.InvalidCredentialsError
  | Api.UnsupportedModelError
  | Model.UnknownFieldGroupError
  | Connectors.UnknownConnectorError
  | DestinationError
  | Errors.ConnectionError
  | Errors.ReauthRequiredError
  | SyncEngine.SyncPausedError
  | SyncEngine.ResyncUnsupportedError
  | HttpClientError.HttpClientError

/** The API error a core error becomes. */
export type ApiErrorOf<E> = E extends NotFoundError ? NotFound
  : E extends StoreError ? Unavailable
  : E extends Input.InvalidInputError | Api.UnsupportedModelError | Model.UnknownFieldGroupError ? BadRequest
  : E extends Connectors.UnknownConnectorError | DestinationError | SyncEngine.ResyncUnsupportedError ? BadRequest
  : E extends Api.InvalidCredentialsError | Errors.ConnectionError | Errors.ReauthRequiredError ? ConnectionRefused
  : E extends SyncEngine.SyncPausedError ? Conflict
  : E extends HttpClientError.HttpClientError ? BadGateway
  : never

const convert = (error: CoreError): NotFound | Unavailable | BadRequest | ConnectionRefused | Conflict | BadGateway => {
  switch (error._tag) {
    case "NotFoundError":
      return new NotFound({ code: "not_found", message: error.message, entity: error.entity, id: error.id })
    case "StoreError":
      // The detail may name tables or hosts: it goes to the log, not to the caller.
      return new Unavailable({ code: "store_unavailable", message: "The store is unavailable; retry shortly." })
    case "InvalidInputError":
      return new BadRequest({ code: "invalid_input", message: error.message, path: error.field })
    case "UnsupportedModelError":
    case "UnknownFieldGroupError":
      return new BadRequest({ code: "unsupported_model", message: error.message, path: "models" })
    case "UnknownConnectorError":
      return new BadRequest({ code: "unknown_connector", message: error.message, path: "connector" })
    case "DestinationError":
      return new BadRequest({
        code: "invalid_destination",
        message: error.message,
        path: error.reason === "invalid_secret" ? "destination.secrets" : error.reason === "invalid_options" ? "destination.options" : "destination.url"
      })
    case "ResyncUnsupportedError":
      return new BadRequest({ code: "invalid_input", message: error.message, path: "model" })
    case "InvalidCredentialsError":
      return new ConnectionRefused({
        code: "credentials_malformed",
        message: error.detail,
        resolution: "Correct the field named in the message and submit again."
      })
    case "ConnectionError":
      return new ConnectionRefused({ code: error.code, message: error.message, resolution: error.resolution })
    case "ReauthRequiredError":
      return new ConnectionRefused({
        code: "reauth_required",
        message: `The ${error.connector} authorization expired or was revoked.`,
        resolution: "Ask the account owner to connect the integration again."
      })
    case "SyncPausedError":
      return new Conflict({ code: "sync_paused", message: error.message })
    case "RequestError":
    case "ResponseError":
      return new BadGateway({ code: "provider_unreachable", message: `The provider could not be reached (${error.reason}).` })
  }
}

/**
 * Converts a core error to its API error, logging what the caller does not
 * see (a store failure's detail).
 */
export const toApi = <E extends CoreError>(error: E): Effect.Effect<never, ApiErrorOf<E>> =>
  Effect.zipRight(
    error._tag === "StoreError" ? Effect.logWarning(`Weft API: ${error.message}`) : Effect.void,
    Effect.fail(convert(error) as ApiErrorOf<E>)
  )

/** Runs a host API call, answering its failures with API errors. */
export const api = <A, E extends CoreError, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, ApiErrorOf<E>, R> =>
  Effect.catchAll(effect, toApi)
