import * as Crypto from "node:crypto"
import { v7 as uuidv7 } from "uuid"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/**
 * Weft's identifiers: `<prefix>_` + the 32 hex digits of a UUIDv7. The first
 * 48 bits are the creation time in Unix milliseconds, so ids sort by creation
 * time as plain strings and say what they identify.
 *
 * @since 0.1.0
 */

/**
 * The prefixes of Weft's identifiers (three letters each).
 *
 * @since 0.1.0
 * @category models
 */
export type IdPrefix = "evt" | "int" | "syn" | "run" | "dst" | "rcv" | "pay" | "ses"

// The UUIDv7 itself (time, version, the counter that keeps ids of one millisecond in creation
// order, variant, random bits) comes from the `uuid` package, written as bytes. The id is then
// spelled out as ASCII in a scratch buffer and read back as one flat string: cheaper than uuid's
// dashed string and a replace, and a flat string keeps a stored id at its 36 bytes (a string
// built up by concatenation is kept as a tree of its pieces).
const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef")
const bytes = new Uint8Array(16)
const ascii = Buffer.alloc(4 + 32)

// Ids made in the same millisecond share a counter (RFC 9562 §6.2 method 1)
// so they still sort in creation order; a new millisecond starts the counter
// at a random 31-bit value, leaving room to count up without overflowing.
const state = { ms: -1, seq: 0 }

const nextSeq = (ms: number): number => {
  if (ms === state.ms) {
    state.seq = (state.seq + 1) >>> 0
  } else {
    state.ms = ms
    state.seq = Crypto.randomInt(0, 2 ** 31)
  }
  return state.seq
}

const spell = (prefix: IdPrefix, ms: number): string => {
  uuidv7({ msecs: ms, seq: nextSeq(ms) }, bytes)
  ascii[0] = prefix.charCodeAt(0)
  ascii[1] = prefix.charCodeAt(1)
  ascii[2] = prefix.charCodeAt(2)
  ascii[3] = 0x5f // "_"
  for (let i = 0; i < 16; i++) {
    ascii[4 + 2 * i] = HEX_DIGITS[bytes[i]! >>> 4]!
    ascii[5 + 2 * i] = HEX_DIGITS[bytes[i]! & 0x0f]!
  }
  return ascii.toString("latin1", 0, 36)
}

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
export const at = (prefix: IdPrefix, ms: number): string => spell(prefix, ms)

/**
 * A new time-sortable id, stamped with the current `Clock` time.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Ids } from "@weft/core"
 * const program = Effect.map(Ids.make("run"), (id) => id.startsWith("run_")) // true
 * ```
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
