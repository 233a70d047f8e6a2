import type * as Dns from "node:dns"
import { lookup as dnsLookup } from "node:dns/promises"
import type { LookupFunction } from "node:net"
import * as Effect from "effect/Effect"
import * as AddressClass from "./AddressClass.js"

/**
 * The SSRF guard: webhook URLs come from outside, so before Weft sends
 * anything it makes sure the host does not lead back into the sender's own
 * network (loopback, private ranges, link-local, CGNAT, cloud metadata).
 *
 * The guard runs:
 *
 * 1. when a destination is validated (`Sink.validate`, at sync creation);
 * 2. at connect time, in the default `SinkWebhook.layer`: its sockets
 *    resolve names through {@link lookup}, so the addresses checked are the
 *    addresses connected to and DNS rebinding fails. IP literals, which
 *    sockets do not resolve, are checked before the send.
 *
 * `SinkWebhook.layerHttpClient` cannot reach the socket's resolution: it
 * checks before every attempt instead (best effort), unless its client's
 * agent is wired with {@link lookup}.
 *
 * @since 0.1.0
 */

/**
 * One address a host name resolved to.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedAddress {
  readonly address: string
  readonly family: number
}

/**
 * Resolves a host name to every address it has. The default is
 * {@link systemResolver}; tests inject their own answers.
 *
 * @since 0.1.0
 * @category models
 */
export type Resolver = (hostname: string) => Promise<ReadonlyArray<ResolvedAddress>>

/**
 * The operating system's resolver (`dns.lookup(host, { all: true })`), the
 * same one sockets use, so `/etc/hosts` entries are seen too.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true })

/**
 * @since 0.1.0
 * @category models
 */
export interface GuardOptions {
  /**
   * Host names or IP literals that may be reached even though they resolve
   * to (or are) non-public addresses, e.g. `["127.0.0.1", "hooks.internal"]`.
   * Matched exactly, case-insensitively; an allow-listed host is not checked.
   */
  readonly allowHosts?: ReadonlyArray<string> | undefined
  /** Defaults to {@link systemResolver}. */
  readonly resolver?: Resolver | undefined
}

/**
 * The guard's answer for one host.
 *
 * @since 0.1.0
 * @category models
 */
export type Verdict =
  | { readonly _tag: "Allowed"; readonly allowListed: boolean }
  | {
    readonly _tag: "Refused"
    readonly address: string
    readonly class: AddressClass.AddressClass
    readonly detail: string
  }
  | { readonly _tag: "Unresolvable"; readonly detail: string }

// Names that reach a metadata service without resolving to its address first
// (GCP resolves them through its own DNS).
const metadataNames: ReadonlySet<string> = new Set(["metadata.google.internal", "metadata.goog", "metadata"])

/**
 * A host as the guard compares it: lower case, no IPv6 brackets or zone id,
 * no trailing dot (`Example.COM.` and `example.com` are the same host).
 *
 * @since 0.1.0
 * @category utils
 */
export const normalizeHost = (host: string): string => AddressClass.normalize(host).replace(/\.+$/, "")

/**
 * Whether a host is on the allow-list (exact, case-insensitive match).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAllowListed = (host: string, allowHosts: ReadonlyArray<string> | undefined): boolean => {
  if (allowHosts === undefined || allowHosts.length === 0) return false
  const h = normalizeHost(host)
  return allowHosts.some((allowed) => normalizeHost(allowed) === h)
}

type Refused = Extract<Verdict, { readonly _tag: "Refused" }>

const refusal = (host: string, address: string, cls: AddressClass.AddressClass): Refused => ({
  _tag: "Refused",
  address,
  class: cls,
  detail: (address === host ? `${host} is ` : `${host} resolves to ${address}, `) +
    `${AddressClass.describe(cls)}. Webhooks may only go to public addresses; ` +
    `add the host to allowHosts if this destination is intended.`
})

/**
 * Checks resolved addresses of `host`: the first non-public one refuses the
 * host (a socket may pick any of them).
 *
 * @since 0.1.0
 * @category guards
 */
export const judge = (host: string, addresses: ReadonlyArray<ResolvedAddress>): Verdict => {
  for (const { address } of addresses) {
    const cls = AddressClass.classify(address) ?? "reserved"
    if (cls !== "public") return refusal(host, address, cls)
  }
  return addresses.length === 0
    ? { _tag: "Unresolvable", detail: `${host} has no addresses. Check the host name.` }
    : { _tag: "Allowed", allowListed: false }
}

const describeDnsError = (cause: unknown): string => {
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : undefined
  return code ?? (cause instanceof Error ? cause.message : "lookup failed")
}

/**
 * Checks a host (name or IP literal): allow-listed hosts pass unchecked, IP
 * literals are classified directly, names are resolved and every address
 * must be public. Never fails: a resolution error is an `Unresolvable`
 * verdict.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { SsrfGuard } from "@weft/sink-webhook"
 * const verdict = Effect.runPromise(SsrfGuard.check("169.254.169.254"))
 * // { _tag: "Refused", class: "metadata", … }
 * ```
 * @since 0.1.0
 * @category guards
 */
export const check = (host: string, options: GuardOptions = {}): Effect.Effect<Verdict> => {
  const name = normalizeHost(host)
  if (isAllowListed(name, options.allowHosts)) return Effect.succeed({ _tag: "Allowed", allowListed: true })
  if (AddressClass.isIpLiteral(name)) return Effect.succeed(judge(name, [{ address: name, family: 0 }]))
  if (metadataNames.has(name)) return Effect.succeed(refusal(name, name, "metadata"))
  const resolver = options.resolver ?? systemResolver
  return Effect.tryPromise(() => resolver(name)).pipe(
    Effect.map((addresses) => judge(name, addresses)),
    Effect.catchAll((error) =>
      Effect.succeed<Verdict>({
        _tag: "Unresolvable",
        detail: `${name} could not be resolved (${describeDnsError(error.error)}). Check the host name.`
      })
    )
  )
}

/**
 * The error a guarded {@link lookup} reports for a refused address; the
 * socket fails with it before any byte is sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class RefusedAddressError extends Error {
  readonly code = "ERR_WEFT_REFUSED_ADDRESS"
  constructor(
    readonly host: string,
    readonly address: string,
    readonly addressClass: AddressClass.AddressClass,
    detail: string
  ) {
    super(`Refused to connect: ${detail}`)
    this.name = "RefusedAddressError"
  }
}

/**
 * A `dns.lookup`-compatible function that refuses non-public answers, for
 * the HTTP agent that carries webhooks. It checks the addresses the socket
 * will actually connect to, so a host that changes its DNS answer after
 * validation (DNS rebinding) is still refused.
 *
 * `SinkWebhook.layer` wires it into its own pools. Sockets do not call
 * `lookup` for IP literals; those are refused by `validate` and by the check
 * before each send.
 *
 * @example
 * ```ts
 * // SinkWebhook.layerHttpClient over a guarded undici agent
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import { Agent } from "undici"
 * import { SinkWebhook, SsrfGuard } from "@weft/sink-webhook"
 *
 * const GuardedDispatcher = Layer.scoped(
 *   NodeHttpClient.Dispatcher,
 *   Effect.acquireRelease(
 *     Effect.sync(() => new Agent({ connect: { lookup: SsrfGuard.lookup() } })),
 *     (agent) => Effect.promise(() => agent.destroy())
 *   )
 * )
 * const SinkLive = SinkWebhook.layerHttpClient().pipe(
 *   Layer.provide(NodeHttpClient.layerUndiciWithoutDispatcher),
 *   Layer.provide(GuardedDispatcher)
 * )
 * ```
 * @since 0.1.0
 * @category guards
 */
export const lookup = (options: GuardOptions = {}): LookupFunction => {
  const resolver = options.resolver ?? systemResolver
  const refuse = (verdict: Refused, name: string) =>
    new RefusedAddressError(name, verdict.address, verdict.class, verdict.detail)
  return (hostname, lookupOptions, callback) => {
    const name = normalizeHost(hostname)
    const allowListed = isAllowListed(name, options.allowHosts)
    if (!allowListed && metadataNames.has(name)) {
      return callback(refuse(refusal(name, name, "metadata"), name), "")
    }
    const family = typeof lookupOptions === "number" ? lookupOptions : lookupOptions?.family
    const wanted = family === 4 || family === "IPv4" ? 4 : family === 6 || family === "IPv6" ? 6 : 0
    resolver(name).then(
      (all) => {
        const addresses = wanted === 0 ? all : all.filter((a) => a.family === wanted)
        if (!allowListed) {
          const verdict = judge(name, addresses)
          if (verdict._tag === "Refused") return callback(refuse(verdict, name), "")
        }
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${name}`)
          error.code = "ENOTFOUND"
          return callback(error, "")
        }
        if (typeof lookupOptions === "object" && lookupOptions?.all === true) {
          return callback(null, addresses.map((a): Dns.LookupAddress => ({ address: a.address, family: a.family })))
        }
        callback(null, addresses[0]!.address, addresses[0]!.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, "")
    )
  }
}
