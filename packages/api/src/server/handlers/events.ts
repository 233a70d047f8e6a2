import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import { Weft } from "@weft/core/host"
import { WeftApi } from "../../WeftApi.js"
import { api } from "../errors.js"
import { DEFAULT_LIMIT, page } from "../paging.js"
import * as Views from "../views.js"

export const EventsLive = HttpApiBuilder.group(WeftApi, "events", (handlers) =>
  handlers
    .handle("list", ({ urlParams }) =>
      Effect.gen(function*() {
        const weft = yield* Weft.Weft
        const limit = urlParams.limit ?? DEFAULT_LIMIT
        const rows = yield* api(weft.events.list({
          ...(urlParams.runId === undefined ? {} : { runId: urlParams.runId }),
          ...(urlParams.syncId === undefined ? {} : { syncId: urlParams.syncId }),
          ...(urlParams.type === undefined ? {} : { type: urlParams.type }),
          ...(urlParams.status === undefined ? {} : { status: urlParams.status }),
          ...(urlParams.from === undefined ? {} : { from: Date.parse(urlParams.from) }),
          ...(urlParams.to === undefined ? {} : { to: Date.parse(urlParams.to) }),
          ...(urlParams.cursor === undefined ? {} : { after: urlParams.cursor }),
          limit: limit + 1
        }))
        return page(rows, limit, Views.event)
      }))
    .handle("attempts", ({ path }) =>
      Effect.flatMap(Weft.Weft, (weft) => api(weft.events.attempts(path.id))).pipe(
        Effect.map((attempts) => ({
          items: attempts.map((a) => ({
            at: Views.instant(a.at),
            durationMs: a.durationMs,
            outcome: a.outcome,
            ...(a.statusCode === undefined ? {} : { statusCode: a.statusCode }),
            ...(a.error === undefined ? {} : { error: a.error })
          }))
        }))
      ))
    .handle("replay", ({ payload }) =>
      Effect.flatMap(Weft.Weft, (weft) =>
        api(weft.events.replay(
          "from" in payload
            ? { from: Date.parse(payload.from), to: Date.parse(payload.to), ...(payload.syncId === undefined ? {} : { syncId: payload.syncId }) }
            : payload
        )))))
