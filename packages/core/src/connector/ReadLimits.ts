import * as Duration from "effect/Duration"

/**
 * Bounds on provider reads, so that a provider that stops answering, or pages
 * forever, cannot keep a run open for good. The host sets defaults for every
 * connector (`engine.limits`), a connector declares its own (`limits` in its
 * definition), and one integration can override both (`limits` on connect);
 * the most specific wins, field by field.
 *
 * @since 0.1.0
 */

/**
 * @example
 * ```ts
 * import type { ReadLimits } from "@weft/core/connector"
 *
 * // A provider whose report endpoints are slow, with very large accounts:
 * const limits: ReadLimits.ReadLimits = { requestTimeout: "2 minutes", runDeadline: "12 hours", maxPages: 500_000 }
 * ```
 * @since 0.1.0
 * @category models
 */
export interface ReadLimits {
  /** One provider request, per attempt (each retry gets its own). Default 30 seconds. */
  readonly requestTimeout?: Duration.DurationInput | undefined
  /** A whole run, every model of it. Default 6 hours. */
  readonly runDeadline?: Duration.DurationInput | undefined
  /** Pages one model's read may take before it is stopped as runaway. Default 100,000. */
  readonly maxPages?: number | undefined
}

/**
 * The limits in force where nothing overrides them.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults = {
  requestTimeout: Duration.seconds(30),
  runDeadline: Duration.hours(6),
  maxPages: 100_000
} as const

/**
 * The limits in force: for each field the first of `layers` that sets it
 * (most specific first), else the default.
 *
 * @since 0.1.0
 * @category combinators
 */
export const resolve = (
  ...layers: ReadonlyArray<ReadLimits | undefined>
): { readonly requestTimeout: Duration.Duration; readonly runDeadline: Duration.Duration; readonly maxPages: number } => {
  const first = <K extends keyof ReadLimits>(key: K): ReadLimits[K] => {
    for (const layer of layers) if (layer?.[key] !== undefined) return layer[key]
    return undefined
  }
  return {
    requestTimeout: Duration.decode(first("requestTimeout") ?? defaults.requestTimeout),
    runDeadline: Duration.decode(first("runDeadline") ?? defaults.runDeadline),
    maxPages: first("maxPages") ?? defaults.maxPages
  }
}
