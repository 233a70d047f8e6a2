import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import type { Sink } from "../sink/Sink.js"
import type { Store } from "../store/Store.js"
import * as Vault from "../vault/Vault.js"
import { layer as weftLayer, Weft, type WeftOptions, type WeftService } from "./Weft.js"

/**
 * The Promise facade: the Weft host API for applications that do not use
 * Effect. Every operation of {@link WeftService} is here as a method returning
 * a Promise; a failure rejects with the same typed error object (e.g. a
 * `ConnectionError` with `code`, `message` and `resolution`).
 *
 * @since 0.1.0
 */

/**
 * A service's operations as Promise-returning methods.
 *
 * @since 0.1.0
 * @category models
 */
export type Promised<S> = {
  readonly [K in keyof S]: S[K] extends (...args: infer A) => Effect.Effect<infer R, infer _E, infer _R>
    ? (...args: A) => Promise<R>
    : Promised<S[K]>
}

/**
 * @since 0.1.0
 * @category models
 */
export type WeftClient = Promised<WeftService> & {
  /** Stops the scheduler and delivery workers and releases every resource. */
  readonly dispose: () => Promise<void>
}

/**
 * What the facade is built from: the Weft options plus the layers a host
 * picks (ready-made values from `@weft/store-memory`, `@weft/sink-webhook`
 * and `@effect/platform-node`; no Effect code needed).
 *
 * @since 0.1.0
 * @category models
 */
export interface WeftClientOptions<E1, E2, E3, E4 = never> extends WeftOptions {
  readonly store: Layer.Layer<Store, E1>
  readonly sink: Layer.Layer<Sink, E2, HttpClient.HttpClient>
  readonly http: Layer.Layer<HttpClient.HttpClient, E3>
  readonly vault: Vault.VaultKeys | Layer.Layer<Vault.Vault, E4>
}

const rejection = <E>(exit: Exit.Exit<unknown, E>): unknown =>
  Exit.isFailure(exit)
    ? Option.getOrElse(Cause.failureOption(exit.cause), () => Cause.squash(exit.cause))
    : undefined

/**
 * Narrows a rejection of the facade to one of Weft's typed errors by its tag.
 *
 * @example
 * ```ts
 * import { type Api, WeftClient } from "@weft/core/host"
 * declare const weft: WeftClient.WeftClient
 * declare const reply: (status: number, body: object) => void
 *
 * const onConnect = async (input: Api.ConnectInput) => {
 *   try { await weft.integrations.connect(input) }
 *   catch (error) {
 *     if (WeftClient.isError(error, "ConnectionError")) return reply(400, { code: error.code, resolution: error.resolution })
 *     throw error
 *   }
 *   return reply(201, {})
 * }
 * ```
 * @since 0.1.0
 * @category guards
 */
export const isError = <Tag extends WeftErrorTag>(error: unknown, tag: Tag): error is Extract<WeftError, { readonly _tag: Tag }> =>
  typeof error === "object" && error !== null && (error as { readonly _tag?: unknown })._tag === tag

/**
 * Every typed error the facade's operations can reject with.
 *
 * @since 0.1.0
 * @category models
 */
export type WeftError = {
  readonly [K in keyof WeftService]: {
    readonly [M in keyof WeftService[K]]: WeftService[K][M] extends (...args: infer _A) => Effect.Effect<infer _R, infer E, infer _X> ? E
      : never
  }[keyof WeftService[K]]
}[keyof WeftService]

/**
 * @since 0.1.0
 * @category models
 */
export type WeftErrorTag = WeftError extends { readonly _tag: infer T } ? T : never

/**
 * Starts Weft and returns its Promise facade.
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import * as Redacted from "effect/Redacted"
 * import { WeftClient } from "@weft/core"
 * import { StoreMemory } from "@weft/store-memory"
 * import { SinkWebhook } from "@weft/sink-webhook"
 * import { BambooHR } from "@weft/connectors"
 *
 * const weft = WeftClient.make({
 *   connectors: [BambooHR.connector()],
 *   store: StoreMemory.layer, sink: SinkWebhook.layer(), http: NodeHttpClient.layerUndici,
 *   vault: { current: { id: "k1", key: Redacted.make(process.env.WEFT_VAULT_KEY!) } }
 * })
 * try {
 *   const { integration } = await weft.integrations.connect({
 *     connector: "bamboohr", tenant: "acme", credentials: { companyDomain: "acme", apiKey: process.env.BAMBOO_KEY }
 *   })
 *   console.log(`connected ${integration.id}`)
 * } catch (error) {
 *   if (WeftClient.isError(error, "ConnectionError")) console.error(error.message, error.resolution) // tell the end user
 *   else throw error
 * }
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make = <E1, E2, E3, E4 = never>(options: WeftClientOptions<E1, E2, E3, E4>): WeftClient => {
  const vault: Layer.Layer<Vault.Vault, E4 | Vault.VaultKeyError> = Layer.isLayer(options.vault)
    ? (options.vault as Layer.Layer<Vault.Vault, E4>)
    : Vault.layer(options.vault as Vault.VaultKeys)
  const live = weftLayer(options).pipe(
    Layer.provide(Layer.mergeAll(options.store, options.sink, vault)),
    Layer.provide(options.http)
  )
  const runtime = ManagedRuntime.make(live)
  const call = (path: ReadonlyArray<string>, args: ReadonlyArray<unknown>) =>
    runtime.runPromiseExit(
      Effect.flatMap(Weft, (service) => {
        let target: unknown = service
        for (const key of path) target = (target as Record<string, unknown>)[key]
        return (target as (...a: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>)(...args)
      })
    ).then((exit) => (Exit.isSuccess(exit) ? exit.value : Promise.reject(rejection(exit))))

  const namespace = (name: string) =>
    new Proxy({}, { get: (_, method) => (...args: ReadonlyArray<unknown>) => call([name, String(method)], args) })
  const namespaces = ["integrations", "destinations", "syncs", "runs", "events"] as const
  const client = Object.fromEntries(namespaces.map((n) => [n, namespace(n)]))
  return { ...client, dispose: () => runtime.dispose() } as unknown as WeftClient
}
