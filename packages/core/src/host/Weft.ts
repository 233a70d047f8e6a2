import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { ConnectionError as ConnectionErrorClass, type ReauthRequiredError } from "../connector/Errors.js"
import type { ConnectionError } from "../connector/Errors.js"
import type { EventType, RunStatus } from "../events/Event.js"
import * as Connector from "../connector/Connector.js"
import type * as ReadLimits from "../connector/ReadLimits.js"
import { Delivery, type DeliveryOptions, layer as deliveryLayer } from "../delivery/Delivery.js"
import { Connectors, layer as connectorsLayer, type UnknownConnectorError } from "../engine/Connectors.js"
import { Integrations, layerWith as integrationsLayer } from "../engine/Integrations.js"
import {
  layer as engineLayer,
  type ResyncUnsupportedError,
  SyncEngine,
  type SyncEngineOptions
} from "../engine/SyncEngine.js"
import * as Ids from "../ground/Ids.js"
import * as Inflight from "../ground/internal/inflight.js"
import * as Model from "../models/Model.js"
import { type DestinationError, Sink } from "../sink/Sink.js"
import { layer as signalLayer, OutboxSignal } from "../store/OutboxSignal.js"
import type { DestinationRow, IntegrationLimits, IntegrationRow, SyncModel, SyncRow } from "../store/Rows.js"
import { NotFoundError, Store, type StoreError } from "../store/Store.js"
import { Vault } from "../vault/Vault.js"
import {
  type Attempt,
  type ConnectInput,
  type CreateSyncInput,
  type DestinationInput,
  type DestinationView,
  type EventSummary,
  eventSummary,
  type Integration,
  integrationView,
  InvalidCredentialsError,
  InvalidInputError,
  type ReplayResult,
  type ReplaySelector,
  type Run,
  type Sync,
  type SyncConfig,
  UnsupportedModelError
} from "./Api.js"
import * as Inputs from "./Inputs.js"
import { replay } from "./Replay.js"
import { layer as retentionLayer } from "./Retention.js"
import * as Recovery from "../engine/Recovery.js"
import { layer as schedulerLayer, Scheduler, type SyncPausedError, type TriggerOptions } from "./Scheduler.js"

/**
 * The Weft host API: what a host application calls to connect integrations,
 * subscribe syncs to destinations, read run audits and replay events. One
 * layer, given connectors and options; background work (scheduler, delivery
 * workers) runs in the layer's scope and stops with it.
 *
 * @since 0.1.0
 */

/**
 * Everything `connect` / `syncs.create` can refuse.
 *
 * @since 0.1.0
 * @category errors
 */
export type SetupError =
  | InvalidCredentialsError
  | ConnectionError
  | UnknownConnectorError
  | UnsupportedModelError
  | Model.UnknownFieldGroupError
  | DestinationError
  | InvalidInputError
  | NotFoundError
  | StoreError

/**
 * The host API.
 *
 * Every operation decodes its arguments at the boundary, before anything
 * runs: a missing, mistyped or out-of-range argument (an id, a query, a
 * `ConnectInput`, a sync's destination, a secret…) fails the operation with
 * `InvalidInputError`, whose `field` is the path of the bad value (`tenant`,
 * `syncs[0].destination.secrets[1]`, `options.type`) and whose `detail` says
 * what was expected and what was got — by kind and size, never quoting the
 * value, so secrets stay out of errors. Credentials are only checked to be
 * present here; the connector's credentials Schema decodes them (a mismatch
 * is `InvalidCredentialsError`). The Schemas are in `Inputs`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WeftService {
  readonly connectors: {
    /** The registered connectors (for connect screens: names, categories, credential forms). */
    readonly list: () => Effect.Effect<ReadonlyArray<Connector.Any>>
  }
  readonly integrations: {
    /**
     * Checks the credentials with the provider (a refusal is the connector's
     * `ConnectionError`; nothing is stored), stores them encrypted, and starts
     * the integration's syncs: the initial sync right away, then deltas.
     */
    readonly connect: (input: ConnectInput) => Effect.Effect<{ readonly integration: Integration; readonly syncs: ReadonlyArray<Sync> }, SetupError>
    /** Replaces the credentials of an existing integration (after `reauth_required`), checked first. */
    readonly reconnect: (id: string, credentials: unknown) => Effect.Effect<Integration, SetupError>
    /**
     * Checks the stored credentials with the provider again (the connector's
     * `check`). Accepted: the integration is `active` again and its active
     * syncs are scheduled. Refused for good (`invalid_credentials`,
     * `insufficient_permissions`, `admin_required`, `account_not_found`): its
     * status becomes `invalid_credentials` with the refusal's message, and the
     * `ConnectionError` is returned. A transient refusal (`rate_limited`,
     * `provider_unavailable`) changes nothing.
     */
    readonly revalidate: (id: string) => Effect.Effect<Integration, ConnectionError | NotFoundError | InvalidInputError | StoreError>
    readonly get: (id: string) => Effect.Effect<Integration, NotFoundError | InvalidInputError | StoreError>
    readonly list: (query?: { readonly tenant?: string | undefined }) => Effect.Effect<ReadonlyArray<Integration>, InvalidInputError | StoreError>
    /**
     * Stops and deletes the integration's syncs, then the integration. A run
     * in progress is cancelled within a page and closed `cancelled` (its
     * `allEmitted` and `allConsumed` still go out, with true counts); once
     * this returns, no provider request uses the integration's credentials.
     * Events already in the outbox are still delivered; runs and events stay
     * listable.
     */
    readonly disconnect: (id: string) => Effect.Effect<void, NotFoundError | InvalidInputError | StoreError>
    /**
     * A passthrough request to the integration's provider with its auth, rate
     * limit and retries; the provider's response is returned as is (any
     * status).
     *
     * The request may only go to the provider: a relative path
     * (`/v1/reports`) resolves against the integration's base URL; an
     * absolute URL is sent only when its origin (scheme, host and port) is
     * one the connector declares for the integration (`Connector.origins`,
     * by default its base URL's origin). A URL on another origin, with user
     * info (`https://user@host/…`) or that is not `http(s)` fails with
     * `InvalidInputError` (field `request.url`) and nothing is sent. A
     * redirect is followed only within those origins; a redirect elsewhere
     * comes back as the 3xx response, so the credentials never leave the
     * provider.
     */
    readonly request: (
      id: string,
      request: HttpClientRequest.HttpClientRequest
    ) => Effect.Effect<HttpClientResponse.HttpClientResponse, SetupError | HttpClientError.HttpClientError | ReauthRequiredError>
  }
  readonly destinations: {
    /** Validates (URL, address policy, secrets) and stores a destination. */
    readonly create: (input: DestinationInput) => Effect.Effect<DestinationView, DestinationError | InvalidInputError | StoreError>
    readonly get: (id: string) => Effect.Effect<DestinationView, NotFoundError | InvalidInputError | StoreError>
    readonly list: () => Effect.Effect<ReadonlyArray<DestinationView>, StoreError>
    /** Resumes delivery of the events held while it was disabled. */
    readonly enable: (id: string) => Effect.Effect<void, NotFoundError | InvalidInputError | StoreError>
    readonly disable: (id: string, reason?: string) => Effect.Effect<void, NotFoundError | InvalidInputError | StoreError>
    /** Replaces the signing secrets (list old and new during a rotation). */
    readonly setSecrets: (
      id: string,
      secrets: ReadonlyArray<string | Redacted.Redacted<string>>
    ) => Effect.Effect<void, DestinationError | NotFoundError | InvalidInputError | StoreError>
  }
  readonly syncs: {
    readonly create: (input: CreateSyncInput) => Effect.Effect<Sync, SetupError>
    readonly get: (id: string) => Effect.Effect<Sync, NotFoundError | InvalidInputError | StoreError>
    readonly list: (query?: { readonly integrationId?: string | undefined }) => Effect.Effect<ReadonlyArray<Sync>, InvalidInputError | StoreError>
    /**
     * A paused sync never runs. A run in progress is cancelled within a page
     * (closed `cancelled`); `resume` continues from what it committed.
     */
    readonly pause: (id: string) => Effect.Effect<void, NotFoundError | InvalidInputError | StoreError>
    /** Resumes from the saved cursors, with a delta run right away. */
    readonly resume: (id: string) => Effect.Effect<void, NotFoundError | InvalidInputError | StoreError>
    /** Queues a run (joining one already queued); returns without waiting for it. */
    readonly trigger: (id: string, options?: TriggerOptions) => Effect.Effect<void, NotFoundError | SyncPausedError | InvalidInputError | StoreError>
    /** Queues a run and waits for its audit. */
    readonly triggerAndWait: (
      id: string,
      options?: TriggerOptions
    ) => Effect.Effect<Run, NotFoundError | SyncPausedError | InvalidInputError | StoreError>
    /** Re-reads one record; emits an event if it changed (always, with `force`). */
    readonly resyncRecord: (
      id: string,
      model: string,
      recordId: string,
      options?: { readonly force?: boolean | undefined }
    ) => Effect.Effect<Run, NotFoundError | ResyncUnsupportedError | SyncPausedError | InvalidInputError | StoreError>
    /**
     * Stops the sync (a run in progress is cancelled, as with `pause`) and
     * deletes it with its fingerprints. Runs and events stay, and events
     * already in the outbox are still delivered.
     */
    readonly delete: (id: string) => Effect.Effect<void, NotFoundError | InvalidInputError | StoreError>
  }
  readonly runs: {
    /**
     * Newest first (by start time, then id), 100 unless `limit` says
     * otherwise. Paging: pass the last id of a page as `before` to get the
     * next (an id of no run gives no runs).
     */
    readonly list: (query?: {
      readonly syncId?: string
      readonly integrationId?: string
      readonly status?: RunStatus
      /** Only runs older than this one (a run id). */
      readonly before?: string
      readonly limit?: number
    }) => Effect.Effect<ReadonlyArray<Run>, InvalidInputError | StoreError>
    readonly get: (id: string) => Effect.Effect<Run, NotFoundError | InvalidInputError | StoreError>
  }
  readonly events: {
    readonly list: (query: {
      readonly runId?: string
      readonly syncId?: string
      readonly status?: "pending" | "acked" | "dead"
      readonly type?: EventType
      readonly from?: number
      readonly to?: number
      /** Paging: the last id of the previous page. */
      readonly after?: string
      readonly limit?: number
    }) => Effect.Effect<ReadonlyArray<EventSummary>, InvalidInputError | StoreError>
    /**
     * The delivery attempts of an event, oldest first: when each started,
     * how long it took, the receiver's status or the error, and its outcome.
     * The latest 50 are kept; they go when the event is purged (after the
     * retention period), and an unknown or purged event is a `NotFoundError`.
     */
    readonly attempts: (eventId: string) => Effect.Effect<ReadonlyArray<Attempt>, NotFoundError | InvalidInputError | StoreError>
    /**
     * Replays by event id, run or time range: an event whose payload is held
     * is re-sent as stored; one already delivered (payload removed) is
     * replayed by re-reading its record.
     */
    readonly replay: (selector: ReplaySelector) => Effect.Effect<ReplayResult, InvalidInputError | StoreError>
  }
}

/**
 * The Weft service tag.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * import { Weft } from "@weft/core/host"
 *
 * const secret = Redacted.make(process.env.WEFT_WEBHOOK_SECRET ?? "") // whsec_…, shared with the receiver
 *
 * const program = Effect.gen(function*() {
 *   const weft = yield* Weft.Weft
 *   const { integration } = yield* weft.integrations.connect({
 *     connector: "bamboohr", tenant: "acme",
 *     credentials: { companyDomain: "acme", apiKey: process.env.BAMBOO_KEY },
 *     syncs: [{ destination: { url: "https://app.example.com/hooks/weft", secrets: [secret] }, frequency: "1 hour" }]
 *   })
 *   return yield* weft.runs.list({ integrationId: integration.id })
 * })
 * ```
 * @since 0.1.0
 * @category tags
 */
export class Weft extends Context.Tag("@weft/core/Weft")<Weft, WeftService>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface WeftOptions<RS = never> {
  readonly connectors: ReadonlyArray<Connector.Any>
  /** Syncs started on `connect`, per connector id, when `connect` names none. */
  readonly syncs?: Readonly<Record<string, ReadonlyArray<SyncConfig>>> | undefined
  readonly engine?: SyncEngineOptions | undefined
  readonly delivery?: DeliveryOptions | undefined
  /** How long settled events stay listable and replayable (default 7 days). */
  readonly retention?: Duration.DurationInput | undefined
  /** Crash recovery: closing runs whose process died (see `Recovery`). */
  readonly recovery?: { readonly idleSweep?: Duration.DurationInput | undefined } | undefined
  /**
   * How delivery workers learn of new events. Default: in-process notices.
   * Processes sharing a Postgres store pass the store's cross-process signal
   * (`LISTEN`/`NOTIFY`) so a worker wakes when another process writes.
   */
  readonly outboxSignal?: Layer.Layer<OutboxSignal, never, RS> | undefined
}

const DEFAULT_FREQUENCY = Duration.hours(1)
const DEFAULT_CONCURRENCY = 32
const CHECK_RETRY = { maxRetries: 2, maxDelay: "2 seconds", maxRetryAfter: "10 seconds" } as const

// An integration's read limits as stored: durations in milliseconds, unset fields left out.
const storedLimits = (limits: ReadLimits.ReadLimits | undefined): IntegrationLimits | undefined => {
  if (limits === undefined) return undefined
  const ms = (d: Duration.DurationInput | undefined) => (d === undefined ? undefined : Duration.toMillis(Duration.decode(d)))
  const out = {
    ...(limits.requestTimeout === undefined ? {} : { requestTimeout: ms(limits.requestTimeout) }),
    ...(limits.runDeadline === undefined ? {} : { runDeadline: ms(limits.runDeadline) }),
    ...(limits.maxPages === undefined ? {} : { maxPages: limits.maxPages })
  }
  return Object.keys(out).length === 0 ? undefined : out
}

const orNotFound = <A>(entity: NotFoundError["entity"], id: string) => (option: Option.Option<A>): Effect.Effect<A, NotFoundError> =>
  Option.isSome(option) ? Effect.succeed(option.value) : Effect.fail(new NotFoundError({ entity, id }))

const make = <RS>(options: WeftOptions<RS>) =>
  Effect.gen(function*() {
    const store = yield* Store
    const sink = yield* Sink
    const vault = yield* Vault
    const connectors = yield* Connectors
    const integrations = yield* Integrations
    const engine = yield* SyncEngine
    const scheduler = yield* Scheduler
    const delivery = yield* Delivery
    const signal = yield* OutboxSignal

    // Passthrough requests in flight, per integration.
    const passthroughs = Inflight.make<string, string>()

    const reveal = (secret: string | Redacted.Redacted<string>) => (Redacted.isRedacted(secret) ? Redacted.value(secret) : secret)

    const destinationView = (row: DestinationRow): Effect.Effect<DestinationView> =>
      Effect.map(Effect.option(vault.openJson(row.secrets, row.id)), (secrets) => {
        const { secrets: _, ...rest } = row
        return { ...rest, secretCount: Option.match(secrets, { onNone: () => 0, onSome: (s) => (Array.isArray(s) ? s.length : 0) }) }
      })

    const validateDestination = (input: DestinationInput) =>
      Effect.gen(function*() {
        // The range (1 to 1024) is checked where the input is decoded (Inputs.DestinationInput).
        const concurrency = input.maxConcurrency ?? DEFAULT_CONCURRENCY
        yield* sink.validate({ url: input.url, secrets: input.secrets.map((s) => Redacted.make(reveal(s))), options: input.options })
        return concurrency
      })

    const createDestination = (input: DestinationInput) =>
      Effect.gen(function*() {
        const maxConcurrency = yield* validateDestination(input)
        const now = yield* Clock.currentTimeMillis
        const id = Ids.at("dst", now)
        const row: DestinationRow = {
          id,
          url: input.url,
          secrets: vault.sealJson(input.secrets.map(reveal), id),
          enabled: true,
          options: input.options ?? {},
          maxConcurrency,
          createdAt: now,
          updatedAt: now
        }
        yield* store.destinations.put(row)
        yield* delivery.wake(id)
        return row
      })

    const getDestination = (id: string) => Effect.flatMap(store.destinations.get(id), orNotFound<DestinationRow>("destination", id))
    const getIntegration = (id: string) => Effect.flatMap(store.integrations.get(id), orNotFound<IntegrationRow>("integration", id))
    const getSync = (id: string) => Effect.flatMap(store.syncs.get(id), orNotFound<SyncRow>("sync", id))
    const getRun = (id: string) => Effect.flatMap(store.runs.get(id), orNotFound<Run>("run", id))

    /** Resolves a sync's models against its connector before anything is stored. */
    const planSync = (connector: Connector.Any, config: SyncConfig) =>
      Effect.gen(function*() {
        const supported = connector.readers.map((r) => r.model.name)
        const models: Array<SyncModel> = (config.models ?? supported).map((m) => (typeof m === "string" ? { model: m } : m))
        if (models.length === 0) return yield* new InvalidInputError({ field: "models", detail: "a sync needs at least one model" })
        for (const m of models) {
          const reader = connector.readers.find((r) => r.model.name === m.model)
          if (reader === undefined) return yield* new UnsupportedModelError({ connector: connector.id, model: m.model, supported })
          const fields = Model.fieldsFor(reader.model, m.fieldGroups)
          if (Either.isLeft(fields)) return yield* fields.left
        }
        const frequency = Duration.decodeUnknown(config.frequency ?? DEFAULT_FREQUENCY)
        if (Option.isNone(frequency) || Duration.toMillis(frequency.value) < 1000 || !Duration.isFinite(frequency.value)) {
          return yield* new InvalidInputError({ field: "frequency", detail: "must be a finite duration of at least 1 second, e.g. \"15 minutes\"" })
        }
        if (typeof config.destination === "string") {
          const row = yield* getDestination(config.destination)
          const secrets = yield* Effect.orDie(vault.openJson(row.secrets, row.id))
          // Destinations are re-checked at sync creation: DNS may have moved since.
          yield* sink.validate({ url: row.url, secrets: (secrets as Array<string>).map((s) => Redacted.make(s)), options: row.options })
        } else {
          yield* validateDestination(config.destination)
        }
        return { models, frequencyMs: Duration.toMillis(frequency.value), config }
      })

    const createPlannedSync = (
      integrationId: string,
      plan: Effect.Effect.Success<ReturnType<typeof planSync>>,
      paused: boolean
    ) =>
      Effect.gen(function*() {
        const destinationId = typeof plan.config.destination === "string"
          ? plan.config.destination
          : (yield* createDestination(plan.config.destination)).id
        const now = yield* Clock.currentTimeMillis
        const row: SyncRow = {
          id: Ids.at("syn", now),
          integrationId,
          destinationId,
          models: plan.models,
          frequencyMs: plan.frequencyMs,
          status: paused ? "paused" : "active",
          includeInactive: plan.config.includeInactive === true,
          createdAt: now,
          updatedAt: now
        }
        yield* store.syncs.put(row)
        if (!paused) yield* scheduler.start(row.id)
        return row
      })

    const checked = (connectorId: string, input: unknown, integrationId: string, tenant: string, limits: IntegrationLimits | undefined) =>
      Effect.gen(function*() {
        const connector = yield* connectors.get(connectorId)
        const credentials = yield* integrations.decode(connector, input).pipe(
          Effect.mapError((e) => new InvalidCredentialsError({ connector: connectorId, detail: Model.describeParseError(e) }))
        )
        // Someone is waiting on a connect screen: retry briefly, then report.
        const context = yield* integrations.contextFor(connector, { integrationId, tenant, credentials, retry: CHECK_RETRY, limits })
        yield* connector.check(context)
        // The check may have refreshed OAuth tokens: keep the newest.
        const current = yield* context.currentCredentials
        const sealed = yield* integrations.seal(connector, integrationId, current).pipe(
          Effect.mapError((e) => new InvalidCredentialsError({ connector: connectorId, detail: Model.describeParseError(e) }))
        )
        return { connector, sealed }
      })

    const connect: WeftService["integrations"]["connect"] = (input) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const id = Ids.at("int", now)
        const limits = storedLimits(input.limits)
        const { connector, sealed } = yield* checked(input.connector, input.credentials, id, input.tenant, limits)
        const configs = input.syncs ?? options.syncs?.[connector.id] ?? []
        const plans = yield* Effect.forEach(configs, (config) => planSync(connector, config))
        const row: IntegrationRow = {
          id,
          tenant: input.tenant,
          connector: connector.id,
          status: "active",
          credentials: sealed,
          ...(limits === undefined ? {} : { limits }),
          createdAt: now,
          updatedAt: now
        }
        yield* store.integrations.put(row)
        const syncs = yield* Effect.forEach(plans, (plan) => createPlannedSync(id, plan, false))
        return { integration: integrationView(row), syncs }
      })

    const revalidate: WeftService["integrations"]["revalidate"] = (id) =>
      Effect.gen(function*() {
        const row = yield* getIntegration(id)
        // Disabled means being disconnected: nothing may use it again.
        if (row.status === "disabled") {
          return yield* Effect.fail(
            new ConnectionErrorClass({
              code: "invalid_credentials",
              message: `Integration ${id} is disabled${row.statusMessage === undefined ? "" : ` (${row.statusMessage})`}.`,
              resolution: "Connect the account again."
            })
          )
        }
        const opened = yield* integrations.open(row).pipe(
          Effect.catchTag("CredentialsUnavailableError", (e) =>
            Effect.fail(
              new ConnectionErrorClass({
                code: "invalid_credentials",
                message: `The stored credentials cannot be used: ${e.detail}.`,
                resolution: "Connect the integration again with new credentials."
              })
            )),
          Effect.catchTag("UnknownConnectorError", (e) =>
            Effect.fail(
              new ConnectionErrorClass({
                code: "provider_unavailable",
                message: e.message,
                resolution: "Register the connector in the Weft options, then check again."
              })
            ))
        )
        const outcome = yield* Effect.either(opened.connector.check(opened.context))
        const now = yield* Clock.currentTimeMillis
        // The check took a while: if the integration changed meanwhile
        // (reconnected, disconnected), that change stands.
        const current = yield* store.integrations.get(id)
        if (Option.isNone(current) || current.value.updatedAt !== row.updatedAt) {
          if (Either.isLeft(outcome)) return yield* Effect.fail(outcome.left)
          return yield* Effect.map(getIntegration(id), integrationView)
        }
        if (Either.isLeft(outcome)) {
          const refusal = outcome.left
          if (refusal.code !== "rate_limited" && refusal.code !== "provider_unavailable") {
            yield* store.integrations.put({ ...row, status: "invalid_credentials", statusMessage: refusal.message, updatedAt: now })
          }
          return yield* Effect.fail(refusal)
        }
        if (row.status === "active") return integrationView(row)
        const next = { ...row, status: "active" as const, statusMessage: undefined, updatedAt: now }
        yield* store.integrations.put(next)
        for (const sync of yield* store.syncs.list({ integrationId: id })) {
          if (sync.status === "active") yield* scheduler.start(sync.id)
        }
        return integrationView(next)
      })

    const reconnect: WeftService["integrations"]["reconnect"] = (id, credentials) =>
      Effect.gen(function*() {
        const row = yield* getIntegration(id)
        const { sealed } = yield* checked(row.connector, credentials, id, row.tenant, row.limits)
        const now = yield* Clock.currentTimeMillis
        const next = { ...row, credentials: sealed, status: "active" as const, statusMessage: undefined, updatedAt: now }
        yield* store.integrations.put(next)
        for (const sync of yield* store.syncs.list({ integrationId: id })) {
          if (sync.status === "active") yield* scheduler.start(sync.id)
        }
        return integrationView(next)
      })

    // No new run, the one in progress cancelled and closed (its run events still go out), then
    // the sync deleted with its fingerprints. Its events already in the outbox are still delivered.
    const stopAndDelete = (sync: SyncRow, reason: string) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        // Paused first: a trigger racing with the deletion is refused instead of starting a run.
        yield* store.syncs.put({ ...sync, status: "paused", updatedAt: now })
        yield* scheduler.halt(sync.id, reason)
        yield* store.syncs.delete(sync.id)
      })

    const setPaused = (id: string, paused: boolean) =>
      Effect.gen(function*() {
        const sync = yield* getSync(id)
        const now = yield* Clock.currentTimeMillis
        yield* store.syncs.put({ ...sync, status: paused ? "paused" : "active", updatedAt: now })
        if (paused) yield* scheduler.halt(id, "The sync was paused.")
      })

    const service: WeftService = {
      connectors: { list: () => Effect.succeed(connectors.all) },
      integrations: {
        connect,
        reconnect,
        revalidate,
        get: (id) => Effect.map(getIntegration(id), integrationView),
        list: (query) => Effect.map(store.integrations.list(query), (rows) => rows.map(integrationView)),
        disconnect: (id) =>
          Effect.gen(function*() {
            const row = yield* getIntegration(id)
            // Disabled first: a run that starts from here on makes no provider request.
            const now = yield* Clock.currentTimeMillis
            yield* store.integrations.put({ ...row, status: "disabled", statusMessage: "The integration is being disconnected.", updatedAt: now })
            const reason = "The integration was disconnected."
            const syncs = yield* store.syncs.list({ integrationId: id })
            yield* Effect.forEach(syncs, (sync) => stopAndDelete(sync, reason), { discard: true, concurrency: "unbounded" })
            yield* passthroughs.stopAll(id, `integration ${id} was disconnected while the request was in flight`)
            yield* store.integrations.delete(id)
          }),
        request: (id, request) =>
          // Tracked so that `disconnect` can stop it and wait for it.
          passthroughs.track(id, ({ stop }) =>
            Effect.gen(function*() {
              const row = yield* getIntegration(id)
              if (row.status === "disabled") {
                return yield* new InvalidInputError({
                  field: "id",
                  detail: `integration ${id} is disabled${row.statusMessage === undefined ? "" : ` (${row.statusMessage})`}; reconnect it first`
                })
              }
              const opened = yield* integrations.open(row).pipe(
                Effect.catchTag("CredentialsUnavailableError", (e) => Effect.fail(new InvalidCredentialsError({ connector: row.connector, detail: e.detail })))
              )
              return yield* Connector.passthrough(opened.context, request).pipe(
                Effect.raceFirst(Effect.flatMap(Deferred.await(stop), (reason) => Effect.fail(new InvalidInputError({ field: "id", detail: reason }))))
              )
            })
          )
      },
      destinations: {
        create: (input) => Effect.flatMap(createDestination(input), destinationView),
        get: (id) => Effect.flatMap(getDestination(id), destinationView),
        list: () => Effect.flatMap(store.destinations.list(), (rows) => Effect.forEach(rows, destinationView)),
        enable: (id) =>
          Effect.gen(function*() {
            yield* getDestination(id)
            yield* store.destinations.setEnabled(id, true, undefined, yield* Clock.currentTimeMillis)
            yield* delivery.wake(id)
          }),
        disable: (id, reason) =>
          Effect.gen(function*() {
            yield* getDestination(id)
            yield* store.destinations.setEnabled(id, false, reason ?? "Disabled by the host.", yield* Clock.currentTimeMillis)
          }),
        setSecrets: (id, secrets) =>
          Effect.gen(function*() {
            const row = yield* getDestination(id)
            yield* sink.validate({ url: row.url, secrets: secrets.map((s) => Redacted.make(reveal(s))), options: row.options })
            const now = yield* Clock.currentTimeMillis
            yield* store.destinations.put({ ...row, secrets: vault.sealJson(secrets.map(reveal), id), updatedAt: now })
          })
      },
      syncs: {
        create: (input) =>
          Effect.gen(function*() {
            const integration = yield* getIntegration(input.integrationId)
            const connector = yield* connectors.get(integration.connector)
            const plan = yield* planSync(connector, input)
            return yield* createPlannedSync(integration.id, plan, input.paused === true)
          }),
        get: getSync,
        list: (query) => store.syncs.list(query),
        pause: (id) => setPaused(id, true),
        resume: (id) =>
          Effect.gen(function*() {
            yield* setPaused(id, false)
            yield* Effect.ignore(scheduler.trigger(id, { type: "delta" }))
          }),
        trigger: (id, triggerOptions) => Effect.zipRight(getSync(id), Effect.asVoid(scheduler.trigger(id, triggerOptions))),
        triggerAndWait: (id, triggerOptions) =>
          Effect.gen(function*() {
            yield* getSync(id)
            const done = yield* scheduler.trigger(id, triggerOptions)
            return yield* done
          }),
        resyncRecord: (id, model, recordId, resyncOptions) => engine.resyncRecords(id, model, [recordId], resyncOptions),
        delete: (id) => Effect.flatMap(getSync(id), (sync) => stopAndDelete(sync, "The sync was deleted."))
      },
      runs: {
        list: (query) => store.runs.list(query),
        get: getRun
      },
      events: {
        list: (query) => Effect.map(store.outbox.list(query), (entries) => entries.map(eventSummary)),
        attempts: (eventId) =>
          Effect.flatMap(
            store.outbox.get(eventId),
            (entry): Effect.Effect<ReadonlyArray<Attempt>, NotFoundError | StoreError> =>
              Option.isNone(entry) ? Effect.fail(new NotFoundError({ entity: "event", id: eventId })) : store.outbox.attempts(eventId)
          ),
        replay: (selector) =>
          replay(selector).pipe(
            Effect.provideService(Store, store),
            Effect.provideService(SyncEngine, engine),
            Effect.provideService(OutboxSignal, signal)
          )
      }
    }
    return Inputs.validated(service)
  })

/**
 * The Weft layer: the host API with its scheduler and delivery workers.
 * Requires a Store, a Sink, the Vault and an HttpClient — the host picks them.
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import * as Layer from "effect/Layer"
 * import { Weft, Vault } from "@weft/core"
 * import { StoreMemory } from "@weft/store-memory"
 * import { SinkWebhook } from "@weft/sink-webhook"
 * import { BambooHR } from "@weft/connectors"
 *
 * const WeftLive = Weft.layer({ connectors: [BambooHR.connector()] }).pipe(
 *   Layer.provide([StoreMemory.layer, SinkWebhook.layer(), Vault.layerConfig(), NodeHttpClient.layerUndici])
 * )
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer = <RS = never>(
  options: WeftOptions<RS>
): Layer.Layer<Weft, StoreError | InvalidInputError, Store | Sink | Vault | HttpClient.HttpClient | RS> =>
  // The options are decoded when the layer is built: a bad one fails the build.
  Layer.unwrapEffect(Effect.map(Inputs.decode(Inputs.WeftOptions, "options", true)(options), () => wire(options)))

const wire = <RS>(options: WeftOptions<RS>): Layer.Layer<Weft, StoreError, Store | Sink | Vault | HttpClient.HttpClient | RS> => {
  const base = Layer.mergeAll(connectorsLayer(options.connectors), options.outboxSignal ?? signalLayer)
  const integrations = integrationsLayer({ limits: options.engine?.limits }).pipe(Layer.provide(base))
  const engine = engineLayer(options.engine).pipe(Layer.provide(Layer.merge(base, integrations)))
  const background = Layer.mergeAll(
    schedulerLayer.pipe(Layer.provide(engine)),
    deliveryLayer(options.delivery).pipe(Layer.provide(base)),
    retentionLayer(options.retention),
    Recovery.layer({ lease: options.engine?.runLease, idleSweep: options.recovery?.idleSweep }).pipe(Layer.provide(base))
  )
  return Layer.effect(Weft, make(options)).pipe(
    Layer.provide(Layer.mergeAll(base, integrations, engine, background))
  )
}
