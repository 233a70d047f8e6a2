import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Errors } from "@weft/core/connector"
import type { Connector } from "@weft/core/connector"
import * as Effect from "effect/Effect"
import * as Api from "./api.js"

/**
 * The credential check: one single-record page of each collection Weft reads.
 * A Harvest key carries per-endpoint permissions, so this is what reveals a
 * key that authenticates but may not read everything the syncs need.
 *
 * Harvest keys belong to one organisation and have no admin notion for reads,
 * so `account_not_found` and `admin_required` do not arise: a key of a
 * deleted organisation is refused like any unknown key (401).
 *
 * @since 0.1.0
 */

const DEV_CENTER = "Configure › Dev Center › API Credential Management"

const invalidCredentials = (status: number) =>
  new Errors.ConnectionError({
    code: "invalid_credentials",
    status,
    message: "Greenhouse did not accept this Harvest API key.",
    resolution:
      `Copy the key again from Greenhouse (${DEV_CENTER}) and paste all of it, with nothing before or after. ` +
      "If the key was deleted or you no longer have it, click Create New API Key, choose the Harvest API type, " +
      "grant it the permissions below and paste the new key here."
  })

const insufficientPermissions = (missing: ReadonlyArray<Api.Collection>) => {
  const labels = missing.map((c) => Api.endpoints[c].label)
  const permissions = missing.map((c) => Api.endpoints[c].permission)
  return new Errors.ConnectionError({
    code: "insufficient_permissions",
    status: 403,
    message: `This Harvest API key is not allowed to read ${joinWords(labels)}.`,
    resolution:
      `In Greenhouse, open ${DEV_CENTER}, click Manage Permissions next to this key, tick ${joinWords(permissions)} ` +
      "(and the matching GET: Retrieve permissions), save, then connect again."
  })
}

const rateLimited = () =>
  new Errors.ConnectionError({
    code: "rate_limited",
    status: 429,
    message: "Greenhouse is throttling this Harvest API key: too many requests in the last few seconds.",
    resolution:
      "Wait a minute and connect again. If other tools share this key, create a separate Harvest key for this integration."
  })

const unavailable = (detail: string, status?: number) =>
  new Errors.ConnectionError({
    code: "provider_unavailable",
    ...(status === undefined ? {} : { status }),
    message: `Greenhouse could not be reached to check the key (${detail}).`,
    resolution: "Greenhouse may be having an outage: check status.greenhouse.io and try again in a few minutes."
  })

const joinWords = (words: ReadonlyArray<string>): string =>
  words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`

type Probe = "ok" | "forbidden"

const probe = <C>(context: Connector.ConnectorContext<C>, collection: Api.Collection): Effect.Effect<Probe, Errors.ConnectionError> => {
  const request = HttpClientRequest.get(Api.endpoints[collection].path).pipe(
    HttpClientRequest.setUrlParams({ per_page: "1", skip_count: "true" })
  )
  return context.http.execute(request).pipe(
    Effect.mapError((error) =>
      error._tag === "ReauthRequiredError" ? invalidCredentials(401) : unavailable("the connection failed")
    ),
    Effect.flatMap((response): Effect.Effect<Probe, Errors.ConnectionError> => {
      const status = response.status
      if (status >= 200 && status < 300) {
        return response.json.pipe(
          Effect.flatMap((body) => (Array.isArray(body) ? Effect.succeed<Probe>("ok") : Effect.fail(undefined))),
          Effect.mapError(() => unavailable(`an unreadable answer to GET ${Api.endpoints[collection].path}`, status))
        )
      }
      // Read the refusal's body so the connection goes back to the pool.
      const drained = Effect.ignore(response.text)
      if (status === 401) return Effect.zipRight(drained, Effect.fail(invalidCredentials(status)))
      if (status === 403) return Effect.as(drained, "forbidden" as const)
      if (status === 429) return Effect.zipRight(drained, Effect.fail(rateLimited()))
      return Effect.zipRight(drained, Effect.fail(unavailable(`HTTP ${status} from GET ${Api.endpoints[collection].path}`, status)))
    })
  )
}

/**
 * Checks a Harvest key against every collection the connector reads and
 * reports all missing permissions at once.
 *
 * @since 0.1.0
 * @category check
 */
export const check = <C>(context: Connector.ConnectorContext<C>): Effect.Effect<void, Errors.ConnectionError> =>
  Effect.gen(function*() {
    const collections: ReadonlyArray<Api.Collection> = ["candidates", "applications", "jobs"]
    const missing: Array<Api.Collection> = []
    for (const collection of collections) {
      if ((yield* probe(context, collection)) === "forbidden") missing.push(collection)
    }
    if (missing.length > 0) return yield* insufficientPermissions(missing)
  })
