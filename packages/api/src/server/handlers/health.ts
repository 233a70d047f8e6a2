import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import { Weft } from "@weft/core/host"
import { Unavailable } from "../../definition/errors.js"
import { WeftApi } from "../../WeftApi.js"

export const HealthLive = HttpApiBuilder.group(WeftApi, "health", (handlers) =>
  handlers
    .handle("health", () => Effect.succeed({ status: "ok" as const }))
    .handle("ready", () =>
      Effect.flatMap(Weft.Weft, (weft) => weft.destinations.list()).pipe(
        Effect.as({ status: "ready" as const }),
        Effect.catchAll((error) =>
          Effect.zipRight(
            Effect.logWarning(`Weft API not ready: ${error.message}`),
            Effect.fail(new Unavailable({ code: "not_ready", message: "The store does not answer; retry shortly." }))
          )
        )
      )))
