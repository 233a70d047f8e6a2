import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import { Weft } from "@weft/core/host"
import { WeftApi } from "../../WeftApi.js"
import { api } from "../errors.js"
import * as Views from "../views.js"

export const DestinationsLive = HttpApiBuilder.group(WeftApi, "destinations", (handlers) =>
  handlers
    .handle("list", () =>
      Effect.flatMap(Weft.Weft, (weft) => api(weft.destinations.list())).pipe(Effect.map((rows) => ({ items: rows.map(Views.destination) }))))
    .handle("get", ({ path }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.destinations.get(path.id))).pipe(Effect.map(Views.destination)))
    .handle("create", ({ payload }) =>
      Effect.flatMap(Weft.Weft, (weft) => api(weft.destinations.create(payload))).pipe(Effect.map(Views.destination)))
    .handle("enable", ({ path }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.destinations.enable(path.id))))
    .handle("disable", ({ path, payload }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.destinations.disable(path.id, payload.reason))))
    .handle("rotateSecrets", ({ path, payload }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.destinations.setSecrets(path.id, payload.secrets)))))
