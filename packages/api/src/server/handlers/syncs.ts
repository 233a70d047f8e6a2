import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import { Weft } from "@weft/core/host"
import { BadRequest, Conflict } from "../../definition/errors.js"
import { WeftApi } from "../../WeftApi.js"
import { api } from "../errors.js"
import * as Views from "../views.js"

// One run per sync at a time: the newest run is the one in progress, if any.
const noRunInProgress = (syncId: string) =>
  Effect.gen(function*() {
    const weft = yield* Weft.Weft
    yield* api(weft.syncs.get(syncId))
    const [newest] = yield* api(weft.runs.list({ syncId, limit: 1 }))
    if (newest !== undefined && newest.status === "running") {
      return yield* Effect.fail(
        new Conflict({
          code: "run_in_progress",
          message: `Run ${newest.id} of sync ${syncId} is in progress; wait for it to finish (GET /runs/${newest.id}).`,
          runId: newest.id
        })
      )
    }
  })

export const SyncsLive = HttpApiBuilder.group(WeftApi, "syncs", (handlers) =>
  handlers
    .handle("list", ({ urlParams }) =>
      Effect.flatMap(Weft.Weft, (weft) =>
        api(weft.syncs.list(urlParams.integrationId === undefined ? {} : { integrationId: urlParams.integrationId }))).pipe(
          Effect.map((rows) => ({ items: rows.map(Views.sync) }))
        ))
    .handle("get", ({ path }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.syncs.get(path.id))).pipe(Effect.map(Views.sync)))
    .handle("create", ({ payload }) =>
      Effect.flatMap(Weft.Weft, (weft) =>
        api(weft.syncs.create({
          integrationId: payload.integrationId,
          destination: payload.destination,
          ...(payload.models === undefined ? {} : { models: payload.models }),
          ...(payload.frequencySeconds === undefined ? {} : { frequency: `${payload.frequencySeconds} seconds` }),
          ...(payload.includeInactive === undefined ? {} : { includeInactive: payload.includeInactive }),
          ...(payload.paused === undefined ? {} : { paused: payload.paused })
        }).pipe(
          // Creating a sync checks no credentials: these cannot happen here.
          Effect.catchTags({ ConnectionError: Effect.die, InvalidCredentialsError: Effect.die })
        ))).pipe(Effect.map(Views.sync)))
    .handle("pause", ({ path }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.syncs.pause(path.id))))
    .handle("resume", ({ path }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.syncs.resume(path.id))))
    .handle("trigger", ({ path, payload }) =>
      Effect.gen(function*() {
        const weft = yield* Weft.Weft
        yield* noRunInProgress(path.id)
        yield* api(weft.syncs.trigger(path.id, payload))
        return { queued: true as const }
      }))
    .handle("resync", ({ path, payload }) =>
      Effect.gen(function*() {
        const weft = yield* Weft.Weft
        yield* noRunInProgress(path.id)
        // The engine reports a model the sync does not read as a missing sync; it is the input that is wrong.
        const sync = yield* api(weft.syncs.get(path.id))
        if (!sync.models.some((m) => m.model === payload.model)) {
          return yield* Effect.fail(
            new BadRequest({
              code: "unsupported_model",
              message: `Sync ${path.id} does not sync "${payload.model}". It syncs: ${sync.models.map((m) => m.model).join(", ")}.`,
              path: "model"
            })
          )
        }
        const run = yield* api(weft.syncs.resyncRecord(path.id, payload.model, payload.recordId, { force: payload.force }))
        return Views.run(run)
      }))
    .handle("delete", ({ path }) => Effect.flatMap(Weft.Weft, (weft) => api(weft.syncs.delete(path.id)))))
