import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { v7 } from "uuid"

/**
 * The prefixes of Weft's identifiers. Every id is `<prefix>_<uuidv7 hex>`, so
 * ids sort by creation time and say what they identify.
 *
 * @since 0.1.0
 * @category models
 */
export type IdPrefix = "evt" | "int" | "syn" | "run" | "dst"

const hex = (ms: number): string => v7({ msecs: ms }).replace(/-/g, "")

/**
 * A new time-sortable id created at `ms` (Unix milliseconds). Use it in hot
 * loops that already read the clock once; elsewhere prefer {@link make}.
 *
 * @example
 * ```ts
 * import { Ids } from "@weft/core"
 * Ids.at("evt", 1_764_180_000_000) // "evt_019ac0d5…"
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const at = (prefix: IdPrefix, ms: number): string => `${prefix}_${hex(ms)}`

/**
 * A new time-sortable id, stamped with the current `Clock` time.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (prefix: IdPrefix): Effect.Effect<string> =>
  Effect.map(Clock.currentTimeMillis, (ms) => at(prefix, ms))

/**
 * The creation time (Unix milliseconds) encoded in an id made by this module.
 *
 * @since 0.1.0
 * @category getters
 */
export const timestampOf = (id: string): number => {
  const sep = id.indexOf("_")
  return Number.parseInt(id.slice(sep + 1, sep + 13), 16)
}
