import type { Api, Weft } from "@weft/core/host"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

/**
 * What the demo asks of Weft, as one small interface: Weft in this process
 * (`fromWeft`), or Weft in a worker process that `--crash` kills and starts
 * again (`remote.ts`). Every answer and error is plain data, so it crosses a
 * process boundary as it is.
 *
 * @since 0.1.0
 */

/**
 * The tenant of the demo's integrations. An earlier demo's integrations are
 * found (and disconnected) by it; nothing else in a store is touched.
 *
 * @since 0.1.0
 * @category constants
 */
export const TENANT = "weft-quickstart"

/**
 * A Weft error as plain data: its tag and message, and the fields the demo
 * shows (a `ConnectionError`'s `code` and `resolution`, a
 * `DestinationError`'s `reason`).
 *
 * @since 0.1.0
 * @category models
 */
export interface HostError {
  readonly _tag: string
  readonly message: string
  readonly code?: string | undefined
  readonly resolution?: string | undefined
  readonly reason?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectRequest {
  readonly companyDomain: string
  readonly apiKey: string
  /** The destination: the receiver's URL and the secret it verifies with. */
  readonly url: string
  readonly secret: Redacted.Redacted<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Connected {
  readonly integration: Api.Integration
  readonly syncs: ReadonlyArray<Api.Sync>
}

/**
 * What an earlier demo left in the store and the demo put aside.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reset {
  /** Integrations of the demo's tenant found, now disconnected. */
  readonly integrations: number
  /** Their runs, which stay in the store's audit. */
  readonly runs: number
  /** Their destinations, now disabled: their receivers are gone with their demo. */
  readonly destinations: number
}

/**
 * @since 0.1.0
 * @category models
 */
export type RunsQuery = NonNullable<Parameters<Weft.WeftService["runs"]["list"]>[0]>

/**
 * @since 0.1.0
 * @category models
 */
export type EventsQuery = Parameters<Weft.WeftService["events"]["list"]>[0]

/**
 * @since 0.1.0
 * @category models
 */
export interface DemoHost {
  /** Connects BambooHR with one `hris.employee` sync to the destination. */
  readonly connect: (request: ConnectRequest) => Effect.Effect<Connected, HostError>
  /** Disconnects what earlier demo runs left in the store (see {@link TENANT}). */
  readonly resetEarlier: Effect.Effect<Reset, HostError>
  readonly listRuns: (query: RunsQuery) => Effect.Effect<ReadonlyArray<Api.Run>, HostError>
  readonly getRun: (id: string) => Effect.Effect<Api.Run, HostError>
  readonly listEvents: (query: EventsQuery) => Effect.Effect<ReadonlyArray<Api.EventSummary>, HostError>
  /** A delta run of the sync, once it has finished. */
  readonly triggerAndWait: (syncId: string) => Effect.Effect<Api.Run, HostError>
}

/**
 * Any error as plain data.
 *
 * @since 0.1.0
 * @category constructors
 */
export const hostError = (error: unknown): HostError => {
  const e = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>
  const text = (key: string) => (typeof e[key] === "string" ? (e[key] as string) : undefined)
  return {
    _tag: text("_tag") ?? "Error",
    message: text("message") ?? String(error),
    ...(text("code") === undefined ? {} : { code: text("code") }),
    ...(text("resolution") === undefined ? {} : { resolution: text("resolution") }),
    ...(text("reason") === undefined ? {} : { reason: text("reason") })
  }
}

const MODEL = "hris.employee"

/**
 * The demo's operations over the Weft service of this process.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromWeft = (weft: Weft.WeftService): DemoHost => {
  const plain = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, HostError> => Effect.mapError(effect, hostError)
  return {
    connect: (request) =>
      plain(weft.integrations.connect({
        connector: "bamboohr",
        tenant: TENANT,
        credentials: { companyDomain: request.companyDomain, apiKey: request.apiKey },
        syncs: [{
          models: [MODEL],
          destination: { url: request.url, secrets: [request.secret] },
          // Long enough that every delta of the demo is one it triggers.
          frequency: "1 day"
        }]
      })),
    resetEarlier: plain(Effect.gen(function*() {
      const earlier = yield* weft.integrations.list({ tenant: TENANT })
      const destinations = new Set<string>()
      let runs = 0
      for (const integration of earlier) {
        for (const sync of yield* weft.syncs.list({ integrationId: integration.id })) destinations.add(sync.destinationId)
        runs += (yield* weft.runs.list({ integrationId: integration.id, limit: 1000 })).length
        yield* weft.integrations.disconnect(integration.id)
      }
      // Their receivers are gone with their demo: what they still hold would be retried for days.
      for (const id of destinations) yield* Effect.ignore(weft.destinations.disable(id, "left by an earlier run of the quickstart demo"))
      return { integrations: earlier.length, runs, destinations: destinations.size }
    })),
    listRuns: (query) => plain(weft.runs.list(query)),
    getRun: (id) => plain(weft.runs.get(id)),
    listEvents: (query) => plain(weft.events.list(query)),
    triggerAndWait: (syncId) => plain(weft.syncs.triggerAndWait(syncId, { type: "delta" }))
  }
}

/**
 * Reveals the secret of a connect request, for the worker pipe.
 *
 * @since 0.1.0
 * @category worker
 */
export const revealSecret = (request: ConnectRequest) => ({ ...request, secret: Redacted.value(request.secret) })
