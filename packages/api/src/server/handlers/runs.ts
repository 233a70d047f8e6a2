import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import { Weft } from "@weft/core/host"
import { WeftApi } from "../../WeftApi.js"
import { api } from "../errors.js"
import { DEFAULT_LIMIT, page } from "../paging.js"
import * as Views from "../views.js"

export const RunsLive = HttpApiBuilder.group(WeftApi, "runs", (handlers) =>
  handlers
    .handle("list", ({ urlParams }) =>
      Effect.gen(function*() {
        const weft = yield* Weft.Weft
        const limit = urlParams.limit ?? DEFAULT_LIMIT
        const rows = yield* api(weft.runs.list({
          ...(urlParams.syncId === undefined ? {} : { syncId: urlParams.syncId }),
          ...(urlParams.integrationId === undefined ? {} : { integrationId: urlParams.integrationId }),
          ...(urlParams.status === undefined ? {} : { status: urlParams.status }),
          ...(urlParams.cursor === undefined ? {} : { before: urlParams.cursor }),
          limit: limit + 1
        }))
        return page(rows, limit, Views.run)
      }))
    .handle("get", ({ path }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.runs.get(path.id))).pipe(Effect.map(Views.run))))
