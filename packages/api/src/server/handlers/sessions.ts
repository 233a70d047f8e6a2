import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { Ids } from "@weft/core/ground"
import { BadRequest } from "../../definition/errors.js"
import { WeftApi } from "../../WeftApi.js"
import { ApiServerContext } from "../context.js"
import { instant } from "../views.js"

export const SessionsLive = HttpApiBuilder.group(WeftApi, "sessions", (handlers) =>
  handlers.handle("create", ({ payload }) =>
    Effect.gen(function*() {
      const context = yield* ApiServerContext
      const known = context.connectors.map((c) => c.id)
      const connectors = payload.connectors === undefined ? known : [...new Set(payload.connectors)]
      const unknownIndex = connectors.findIndex((id) => !known.includes(id))
      if (unknownIndex >= 0) {
        return yield* Effect.fail(
          new BadRequest({
            code: "unknown_connector",
            message: `Unknown connector "${connectors[unknownIndex]}". Registered connectors: ${known.join(", ") || "none"}.`,
            path: `connectors[${payload.connectors!.indexOf(connectors[unknownIndex]!)}]`
          })
        )
      }
      if (connectors.length === 0) {
        return yield* Effect.fail(new BadRequest({ code: "invalid_input", message: "List at least one connector.", path: "connectors" }))
      }
      const now = yield* Clock.currentTimeMillis
      const expiresAt = now + (payload.expiresInSeconds === undefined ? context.sessionTtlMs : payload.expiresInSeconds * 1000)
      const session = { id: Ids.at("ses", now), tenant: payload.tenant, connectors, expiresAt }
      return { ...session, token: context.signer.token(session), expiresAt: instant(expiresAt) }
    })))
