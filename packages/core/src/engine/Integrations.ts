import * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as RateLimiter from "effect/RateLimiter"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Connector from "../connector/Connector.js"
import type * as ProviderHttp from "../connector/ProviderHttp.js"
import type * as ReadLimits from "../connector/ReadLimits.js"
import type { IntegrationRow, IntegrationStatus } from "../store/Rows.js"
import { Store, type StoreError } from "../store/Store.js"
import { Vault } from "../vault/Vault.js"
import { Connectors, type UnknownConnectorError } from "./Connectors.js"

/**
 * Access to integrations' credentials: sealing them for the store, opening
 * them into a connector context (with the integration's own rate limiter),
 * persisting refreshed OAuth tokens, and recording status changes.
 *
 * @since 0.1.0
 */

/**
 * Stored credentials could not be opened or no longer fit the connector.
 *
 * @since 0.1.0
 * @category errors
 */
export class CredentialsUnavailableError extends Schema.TaggedError<CredentialsUnavailableError>()(
  "CredentialsUnavailableError",
  { integrationId: Schema.String, detail: Schema.String }
) {
  override get message(): string {
    return `Credentials of integration ${this.integrationId} cannot be used: ${this.detail}. Reconnect the integration, or restore the vault key they were sealed with.`
  }
}

/**
 * A connector context plus the connector it belongs to.
 *
 * @since 0.1.0
 * @category models
 */
export interface OpenedIntegration {
  readonly row: IntegrationRow
  readonly connector: Connector.Any
  readonly context: Connector.ConnectorContext<unknown>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface IntegrationsService {
  /** Validates host-given credentials against the connector's schema. */
  readonly decode: (connector: Connector.Any, input: unknown) => Effect.Effect<unknown, ParseResult.ParseError>
  /** Seals decoded credentials for the store (AAD: the integration id). */
  readonly seal: (
    connector: Connector.Any,
    integrationId: string,
    credentials: unknown
  ) => Effect.Effect<Uint8Array, ParseResult.ParseError>
  /** A context for connector calls on behalf of an unsaved integration (connect-time check). */
  readonly contextFor: (
    connector: Connector.Any,
    options: {
      readonly integrationId: string
      readonly tenant: string
      readonly credentials: unknown
      readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
      /** The integration's own read limits, if it has any. */
      readonly limits?: ReadLimits.ReadLimits | undefined
    }
  ) => Effect.Effect<Connector.ConnectorContext<unknown> & { readonly currentCredentials: Effect.Effect<unknown> }>
  /** Opens a stored integration for connector calls. */
  readonly open: (
    row: IntegrationRow
  ) => Effect.Effect<OpenedIntegration, CredentialsUnavailableError | UnknownConnectorError | StoreError>
  readonly setStatus: (
    integrationId: string,
    status: IntegrationStatus,
    message: string | undefined
  ) => Effect.Effect<void, StoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Integrations extends Context.Tag("@weft/core/Integrations")<Integrations, IntegrationsService>() {}

/**
 * The integrations service, with the host's default read limits (the
 * connector's and each integration's own override them).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (
  { limits: hostLimits }: { readonly limits?: ReadLimits.ReadLimits | undefined } = {}
): Layer.Layer<Integrations, never, Store | Vault | Connectors | HttpClient.HttpClient> => Layer.scoped(
  Integrations,
  Effect.gen(function*() {
    const store = yield* Store
    const vault = yield* Vault
    const connectors = yield* Connectors
    const http = yield* HttpClient.HttpClient
    const scope = yield* Effect.scope
    const limiters = new Map<string, RateLimiter.RateLimiter>()

    const limiterFor = (connector: Connector.Any, integrationId: string) =>
      Effect.gen(function*() {
        if (connector.rateLimit === undefined) return undefined
        const existing = limiters.get(integrationId)
        if (existing !== undefined) return existing
        const made = yield* RateLimiter.make({
          limit: connector.rateLimit.limit,
          interval: connector.rateLimit.interval
        }).pipe(Scope.extend(scope))
        limiters.set(integrationId, made)
        return made
      })

    const seal: IntegrationsService["seal"] = (connector, integrationId, credentials) =>
      Effect.map(connector.credentials.encode(credentials), (encoded) => vault.sealJson(encoded, integrationId))

    const persist = (connector: Connector.Any, integrationId: string) => (credentials: unknown) =>
      Effect.gen(function*() {
        const row = yield* store.integrations.get(integrationId)
        // Gone or being disconnected: writing the row back would restore what disconnect removes.
        if (Option.isNone(row) || row.value.status === "disabled") return
        const sealed = yield* seal(connector, integrationId, credentials)
        const now = yield* Clock.currentTimeMillis
        yield* store.integrations.put({ ...row.value, credentials: sealed, updatedAt: now })
      }).pipe(
        // A refresh that cannot be persisted still serves this run; it is logged, not fatal.
        Effect.catchAll((error) => Effect.logWarning(`Refreshed credentials of ${integrationId} not saved: ${error.message}`))
      )

    const contextFor: IntegrationsService["contextFor"] = (connector, options) =>
      Effect.gen(function*() {
        const rateLimiter = yield* limiterFor(connector, options.integrationId)
        return yield* Connector.makeContext(connector, {
          integrationId: options.integrationId,
          tenant: options.tenant,
          credentials: options.credentials,
          rateLimiter,
          onCredentialsRefreshed: persist(connector, options.integrationId),
          retry: options.retry,
          limits: [options.limits, hostLimits]
        })
      }).pipe(Effect.provideService(HttpClient.HttpClient, http))

    const open: IntegrationsService["open"] = (row) =>
      Effect.gen(function*() {
        const connector = yield* connectors.get(row.connector)
        const unavailable = (detail: string) => new CredentialsUnavailableError({ integrationId: row.id, detail })
        const raw = yield* vault.openJson(row.credentials, row.id).pipe(Effect.mapError((e) => unavailable(e.message)))
        const credentials = yield* connector.credentials.decode(raw).pipe(
          Effect.mapError(() => unavailable(`they no longer match the ${connector.name} credentials schema`))
        )
        const context = yield* contextFor(connector, { integrationId: row.id, tenant: row.tenant, credentials, limits: row.limits })
        return { row, connector, context }
      })

    const setStatus: IntegrationsService["setStatus"] = (integrationId, status, message) =>
      Effect.gen(function*() {
        const row = yield* store.integrations.get(integrationId)
        if (Option.isNone(row)) return
        const now = yield* Clock.currentTimeMillis
        yield* store.integrations.put({ ...row.value, status, statusMessage: message, updatedAt: now })
      })

    return {
      decode: (connector, input) => connector.credentials.decode(input),
      seal,
      contextFor,
      open,
      setStatus
    } satisfies IntegrationsService
  })
)

/**
 * The integrations service with the built-in read limits.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Integrations, never, Store | Vault | Connectors | HttpClient.HttpClient> = layerWith()
