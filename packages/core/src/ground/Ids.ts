import * as Crypto from "node:crypto"
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
 * The prefixes of Weft's identifiers.
 *
 * @since 0.1.0
 * @category models
 */
export type IdPrefix = "evt" | "int" | "syn" | "run" | "dst" | "rcv"

// Ids made in the same millisecond share a counter (RFC 9562 §6.2 method 1)
// so they still sort in creation order; a new millisecond starts the counter
// at a random 31-bit value, leaving room to count up without overflowing.
// The layout is that of the `uuid` package's v7 with `msecs` and `seq`: the
// 48-bit time, version 7, the counter's 32 bits around the variant, 42
// random bits.
const state = { ms: -1, seq: 0, msHex: "" }

const HEX: ReadonlyArray<string> = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

// Random bytes drawn in bulk: one call to the CSPRNG per ~680 ids.
const random = new Uint8Array(4096)
let randomAt = random.length

const timeHex = (ms: number): string =>
  HEX[(ms / 0x10000000000) & 0xff]! + HEX[(ms / 0x100000000) & 0xff]! + HEX[(ms / 0x1000000) & 0xff]! +
  HEX[(ms / 0x10000) & 0xff]! + HEX[(ms / 0x100) & 0xff]! + HEX[ms & 0xff]!

const hex = (ms: number): string => {
  if (ms === state.ms) {
    state.seq = (state.seq + 1) >>> 0
  } else {
    state.ms = ms
    state.seq = Crypto.randomInt(0, 2 ** 31)
    state.msHex = timeHex(ms)
  }
  if (randomAt + 6 > random.length) {
    Crypto.randomFillSync(random)
    randomAt = 0
  }
  const seq = state.seq
  const r = randomAt
  randomAt += 6
  return state.msHex + HEX[0x70 | ((seq >>> 28) & 0x0f)]! + HEX[(seq >>> 20) & 0xff]! + HEX[0x80 | ((seq >>> 14) & 0x3f)]! +
    HEX[(seq >>> 6) & 0xff]! + HEX[((seq << 2) & 0xff) | (random[r]! & 0x03)]! + HEX[random[r + 1]!]! + HEX[random[r + 2]!]! +
    HEX[random[r + 3]!]! + HEX[random[r + 4]!]! + HEX[random[r + 5]!]!
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
export const at = (prefix: IdPrefix, ms: number): string => `${prefix}_${hex(ms)}`

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
