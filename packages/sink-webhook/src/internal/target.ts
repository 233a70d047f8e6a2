import { Sink } from "@weft/core/sink"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Secret from "../Secret.js"
import * as SsrfGuard from "../SsrfGuard.js"
import type { AckMode } from "./classify.js"

/** @internal per-destination options, read from `DestinationSpec.options` */
export const DestinationOptions = Schema.Struct({
  timeoutMs: Schema.optional(
    Schema.Number.pipe(Schema.int(), Schema.positive(), Schema.annotations({ description: "Per-attempt timeout in ms" }))
  ),
  ack: Schema.optional(Schema.Literal("2xx", "200"))
})

/** @internal the options both transports read when resolving a destination */
export interface TargetOptions {
  readonly allowHosts?: ReadonlyArray<string> | undefined
  readonly timeout?: Duration.DurationInput | undefined
  readonly ack?: AckMode | undefined
}

/** @internal */
export const defaultTimeout: Duration.Duration = Duration.seconds(15)

/** @internal a destination, parsed once */
export interface Target {
  readonly url: URL
  readonly keys: ReadonlyArray<Uint8Array>
  readonly allowListed: boolean
  readonly timeout: Duration.Duration
  readonly ack: AckMode
}

/** @internal why a destination cannot be used at all */
export type Problem = { readonly reason: Sink.DestinationError["reason"]; readonly detail: string }

/**
 * Credentials in a URL must not reach error messages or logs.
 *
 * @internal
 */
export const displayUrl = (raw: string): string => {
  try {
    const url = new URL(raw)
    if (url.username !== "" || url.password !== "") {
      url.username = "***"
      url.password = ""
    }
    return url.href
  } catch {
    return raw.length > 200 ? `${raw.slice(0, 200)}…` : raw
  }
}

const decodeDestinationOptions = Schema.decodeUnknownEither(DestinationOptions)

/**
 * Parses a destination's URL, options and secrets; no I/O.
 *
 * @internal
 */
export const resolveTarget = (spec: Sink.DestinationSpec, options: TargetOptions): Either.Either<Target, Problem> => {
  let url: URL
  try {
    url = new URL(spec.url)
  } catch {
    return Either.left({ reason: "invalid_url", detail: "it is not an absolute URL; use https://host/path" })
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left({ reason: "invalid_url", detail: `${url.protocol} is not supported; use an https:// URL` })
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left({
      reason: "invalid_url",
      detail: "URLs with embedded credentials are not supported; receivers authenticate deliveries by their signature"
    })
  }
  const allowListed = SsrfGuard.isAllowListed(url.hostname, options.allowHosts)
  if (url.protocol === "http:" && !allowListed) {
    return Either.left({
      reason: "insecure_scheme",
      detail: "webhooks are sent over https only; use an https:// URL (http is allowed only for hosts on allowHosts)"
    })
  }
  const destinationOptions = decodeDestinationOptions(spec.options ?? {})
  if (Either.isLeft(destinationOptions)) {
    return Either.left({
      reason: "invalid_options",
      detail: `invalid destination options: ${ParseResult.TreeFormatter.formatErrorSync(destinationOptions.left)}`
    })
  }
  const keys = Secret.decodeAll(spec.secrets)
  if (Either.isLeft(keys)) return Either.left({ reason: "invalid_secret", detail: keys.left })
  const { ack, timeoutMs } = destinationOptions.right
  return Either.right({
    url,
    keys: keys.right,
    allowListed,
    timeout: timeoutMs === undefined ? Duration.decode(options.timeout ?? defaultTimeout) : Duration.millis(timeoutMs),
    ack: ack ?? options.ack ?? "2xx"
  })
}

/**
 * Parsing the URL, the options and the secrets once per destination value,
 * not per attempt: delivery hands the same (immutable) destination object to
 * every attempt until it changes.
 *
 * @internal
 */
export const targetCache = <A>(resolve: (destination: Sink.Destination) => A) => {
  const targets = new WeakMap<Sink.Destination, A>()
  return (destination: Sink.Destination): A => {
    let target = targets.get(destination)
    if (target === undefined) {
      target = resolve(destination)
      targets.set(destination, target)
    }
    return target
  }
}

/**
 * `Sink.validate`: the destination parses, and its host is (or resolves to)
 * public addresses only, unless allow-listed. The resolver is the one the
 * transport uses, so tests see the same answers on both paths.
 *
 * @internal
 */
export const validate = (options: TargetOptions, guard: SsrfGuard.GuardOptions) =>
(
  spec: Sink.DestinationSpec
): Effect.Effect<void, Sink.DestinationError> =>
  Effect.gen(function*() {
    const target = resolveTarget(spec, options)
    if (Either.isLeft(target)) {
      return yield* new Sink.DestinationError({ url: displayUrl(spec.url), ...target.left })
    }
    const verdict = yield* SsrfGuard.check(target.right.url.hostname, guard)
    if (verdict._tag === "Refused") {
      return yield* new Sink.DestinationError({ url: displayUrl(spec.url), reason: "refused_address", detail: verdict.detail })
    }
    if (verdict._tag === "Unresolvable") {
      return yield* new Sink.DestinationError({ url: displayUrl(spec.url), reason: "unresolvable_host", detail: verdict.detail })
    }
  })

/**
 * What `deliver` answers for a destination that cannot be used at all: every
 * event would fail the same way, so hold them until the destination is fixed.
 *
 * @internal
 */
export const unusable = (destination: Sink.Destination, problem: Problem): Sink.Outcome => ({
  _tag: "Disable",
  reason: new Sink.DestinationError({ url: displayUrl(destination.url), ...problem }).message
})
