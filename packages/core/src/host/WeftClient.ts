import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Sink } from "../sink/Sink.js"
import type { Store, StoreError } from "../store/Store.js"
import * as Vault from "../vault/Vault.js"
import type { InvalidInputError } from "./Api.js"
import * as Inputs from "./Inputs.js"
import { layer as weftLayer, Weft, type WeftOptions, type WeftService } from "./Weft.js"

/**
 * The Promise facade: the Weft host API for applications that do not use
 * Effect. Every operation of {@link WeftService} is here as a method returning
 * a Promise; a failure rejects with the same typed error object (e.g. a
 * `ConnectionError` with `code`, `message` and `resolution`, or an
 * `InvalidInputError` naming the bad argument's path). It never rejects with
 * a bare `TypeError` for a bad argument: arguments are decoded first.
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
  /**
   * Resolves once Weft has started (store, sink, vault, scheduler and
   * delivery workers); rejects with the start's typed error, e.g. a
   * `VaultConfigError` when `WEFT_VAULT_KEYS` is not set. `make` starts Weft
   * at once, so awaiting this at startup surfaces a bad configuration then,
   * not on the first call (which would reject with the same error).
   */
  readonly ready: () => Promise<void>
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
export type WeftError =
  | {
    readonly [K in keyof WeftService]: {
      readonly [M in keyof WeftService[K]]: WeftService[K][M] extends (...args: infer _A) => Effect.Effect<infer _R, infer E, infer _X> ? E
        : never
    }[keyof WeftService[K]]
  }[keyof WeftService]
  | StartError

/**
 * What starting Weft can fail with (`make` throws the first two, `ready` and
 * every call reject with any of them).
 *
 * @since 0.1.0
 * @category models
 */
export type StartError = InvalidInputError | Vault.VaultKeyError | Vault.VaultConfigError | StoreError

/**
 * @since 0.1.0
 * @category models
 */
export type WeftErrorTag = WeftError extends { readonly _tag: infer T } ? T : never

const ClientOptions = Schema.Struct({
  ...Inputs.WeftOptions.fields,
  store: Inputs.AnyLayer("a Store layer such as StoreMemory.layer"),
  sink: Inputs.AnyLayer("a Sink layer such as SinkWebhook.layer()"),
  http: Inputs.AnyLayer("an HttpClient layer such as NodeHttpClient.layerUndici"),
  vault: Schema.Union(Inputs.AnyLayer("a Vault layer"), Inputs.VaultKeys).annotations({
    description: "vault keys { current: { id, key }, previous? } or a Vault layer such as Vault.layerConfig()"
  })
}).annotations({ description: "the client options: an object with connectors, store, sink, http and vault" })

const checkOptions = Inputs.decodeEither(ClientOptions, "options", true)

/**
 * Starts Weft and returns its Promise facade.
 *
 * The options are checked when `make` is called: a missing or malformed
 * option throws an `InvalidInputError` naming it (`vault`,
 * `syncs.bamboohr[0].destination.secrets[1]`), and an unusable inline vault
 * key throws a `VaultKeyError` — synchronously, as a constructor would, and
 * never quoting secrets. Weft then starts in the background at once; await
 * `ready()` to know it is running (or why it could not start, e.g. a
 * `VaultConfigError` from `Vault.layerConfig()`).
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { WeftClient } from "@weft/core"
 * import { StoreMemory } from "@weft/store-memory"
 * import { SinkWebhook } from "@weft/sink-webhook"
 * import { BambooHR } from "@weft/connectors"
 * declare const credentials: unknown
 * declare const showToUser: (message: string, resolution: string) => void
 *
 * const weft = WeftClient.make({
 *   connectors: [BambooHR.connector()],
 *   store: StoreMemory.layer, sink: SinkWebhook.layer(), http: NodeHttpClient.layerUndici,
 *   vault: { current: { id: "k1", key: Redacted.make(process.env.WEFT_VAULT_KEY!) } }
 * })
 * await weft.ready()
 * try {
 *   const { integration } = await weft.integrations.connect({ connector: "bamboohr", tenant: "acme", credentials })
 * } catch (error) {
 *   if (WeftClient.isError(error, "ConnectionError")) showToUser(error.message, error.resolution)
 *   else if (WeftClient.isError(error, "InvalidInputError")) showToUser(error.message, `Check ${error.field}.`)
 * }
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make = <E1, E2, E3, E4 = never>(options: WeftClientOptions<E1, E2, E3, E4>): WeftClient => {
  // The facade's constructor: bad options throw here, typed, rather than
  // surfacing later as a TypeError inside the runtime.
  const checked = checkOptions(options)
  if (Either.isLeft(checked)) throw checked.left
  if (!Layer.isLayer(options.vault)) {
    const keys = Vault.checkKeys(options.vault as Vault.VaultKeys)
    if (Either.isLeft(keys)) throw keys.left
  }
  const vault: Layer.Layer<Vault.Vault, E4 | Vault.VaultKeyError> = Layer.isLayer(options.vault)
    ? (options.vault as Layer.Layer<Vault.Vault, E4>)
    : Vault.layer(options.vault as Vault.VaultKeys)
  const live = weftLayer(options).pipe(
    Layer.provide(Layer.mergeAll(options.store, options.sink, vault)),
    Layer.provide(options.http)
  )
  const runtime = ManagedRuntime.make(live)
  // Start now: the scheduler resumes stored syncs without waiting for a call,
  // and a bad configuration shows at start (see `ready`). Never rejects.
  const started = runtime.runPromiseExit(Effect.void)
  const settle = <A>(exit: Exit.Exit<A, unknown>): Promise<A> => (Exit.isSuccess(exit) ? Promise.resolve(exit.value) : Promise.reject(rejection(exit)))
  const call = (namespace: string, operation: string, args: ReadonlyArray<unknown>) =>
    runtime.runPromiseExit(
      Effect.flatMap(Weft, (service) =>
        (service as unknown as Record<string, Record<string, (...a: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>>>)[namespace]![operation]!(...args))
    ).then(settle)

  const client = Object.fromEntries(
    Object.entries(Inputs.operations).map(([namespace, names]) => [
      namespace,
      Object.fromEntries((names as ReadonlyArray<string>).map((name) => [name, (...args: ReadonlyArray<unknown>) => call(namespace, name, args)]))
    ])
  )
  return { ...client, ready: () => started.then(settle).then(() => undefined), dispose: () => runtime.dispose() } as unknown as WeftClient
}
