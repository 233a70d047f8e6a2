import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import { Weft } from "@weft/core/host"
import { WeftApi } from "../../WeftApi.js"
import { api } from "../errors.js"
import * as Views from "../views.js"

const DEFAULT_LIMIT = 50

export const RunsLive = HttpApiBuilder.group(WeftApi, "runs", (handlers) =>
  handlers
    .handle("list", ({ urlParams }) =>
      Effect.gen(function*() {
        const weft = yield* Weft.Weft
        const limit = urlParams.limit ?? DEFAULT_LIMIT
        // One more than asked: whether there is a next page.
        const rows = yield* api(weft.runs.list({
          ...(urlParams.syncId === undefined ? {} : { syncId: urlParams.syncId }),
          ...(urlParams.integrationId === undefined ? {} : { integrationId: urlParams.integrationId }),
          ...(urlParams.status === undefined ? {} : { status: urlParams.status }),
          ...(urlParams.cursor === undefined ? {} : { before: urlParams.cursor }),
          limit: limit + 1
        }))
        const items = rows.slice(0, limit).map(Views.run)
        return rows.length > limit ? { items, next: items[items.length - 1]!.id } : { items }
      }))
    .handle("get", ({ path }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.runs.get(path.id))).pipe(Effect.map(Views.run))))
