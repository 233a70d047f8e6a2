import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Schema from "effect/Schema"
import { BadRequest, NotFound, Unavailable } from "../errors.js"
import { AdminAuth } from "../security.js"
import { Page, Run, RunStatus } from "../views.js"
import { Cursor, IdPath, Limit } from "./params.js"

/**
 * Run audits, newest first.
 *
 * @since 0.1.0
 * @category groups
 */
export class RunsGroup extends HttpApiGroup.make("runs")
  .add(
    HttpApiEndpoint.get("list", "/runs")
      .setUrlParams(
        Schema.Struct({
          syncId: Schema.optional(Schema.String),
          integrationId: Schema.optional(Schema.String),
          status: Schema.optional(RunStatus),
          cursor: Cursor,
          limit: Limit
        })
      )
      .addSuccess(Page(Run))
      .annotate(OpenApi.Summary, "List runs, newest first, with their audits")
  )
  .add(
    HttpApiEndpoint.get("get", "/runs/:id")
      .setPath(IdPath)
      .addSuccess(Run)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "A run's audit: per model counts, warnings, errors with resolution, invalid records, delivery")
  )
  .addError(BadRequest)
  .addError(Unavailable)
  .middleware(AdminAuth)
  .annotate(OpenApi.Title, "Runs")
{}
