import * as HttpApi from "@effect/platform/HttpApi"
import * as OpenApi from "@effect/platform/OpenApi"
import { ConnectGroup, OAuthCallbackGroup } from "./definition/groups/connect.js"
import { DestinationsGroup } from "./definition/groups/destinations.js"
import { EventsGroup } from "./definition/groups/events.js"
import { HealthGroup } from "./definition/groups/health.js"
import { IntegrationsGroup } from "./definition/groups/integrations.js"
import { RunsGroup } from "./definition/groups/runs.js"
import { SessionsGroup } from "./definition/groups/sessions.js"
import { SyncsGroup } from "./definition/groups/syncs.js"
import { badRequestForDecodeErrors } from "./definition/openapi.js"

/**
 * The definition of Weft's management HTTP API: every endpoint with its
 * inputs, outputs, errors (and their statuses) and security. The server
 * (`WeftApiServer`), the typed client (`WeftApiClient`) and the OpenAPI
 * document are all derived from it.
 *
 * @since 0.1.0
 */

/**
 * @example
 * ```ts
 * import * as OpenApi from "@effect/platform/OpenApi"
 * import { WeftApi } from "@weft/api"
 *
 * const document = OpenApi.fromApi(WeftApi.WeftApi) // OpenAPI 3.1, as served at /openapi.json
 * ```
 * @since 0.1.0
 * @category api
 */
export class WeftApi extends HttpApi.make("weft")
  .add(HealthGroup)
  .add(SessionsGroup)
  .add(ConnectGroup)
  .add(OAuthCallbackGroup)
  .add(IntegrationsGroup)
  .add(SyncsGroup)
  .add(RunsGroup)
  .add(EventsGroup)
  .add(DestinationsGroup)
  .annotate(OpenApi.Title, "Weft management API")
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(OpenApi.Transform, badRequestForDecodeErrors)
  .annotate(
    OpenApi.Description,
    "Connect integrations, subscribe their models to webhook destinations, audit sync runs and replay events. The host's backend authenticates with an API key; the end user's browser with a connect-session token."
  )
{}

export * from "./definition/errors.js"
export * from "./definition/security.js"
export * from "./definition/views.js"
export { AuthorizeInput, Connected, type OAuthResult, SessionView, SubmitCredentials } from "./definition/groups/connect.js"
export { PassthroughRequest, PassthroughResponse } from "./definition/groups/integrations.js"
export { CreateSessionInput, CreatedSession } from "./definition/groups/sessions.js"
export { CreateSyncInput, DestinationInput, ResyncInput, TriggerInput } from "./definition/groups/syncs.js"
export { ReplayInput } from "./definition/groups/events.js"
