import type { Fingerprint } from "@weft/core"
import * as FastCheck from "effect/FastCheck"

// Arbitraries and helpers shared by the CanonicalJson and Fingerprint
// property tests.

export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

export const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// Rebuilds every object with its keys in a different order (a deterministic
// permutation drawn from `seed`), arrays left in order.
export const shuffleKeys = (value: Json, seed: number): Json => {
  let state = seed >>> 0 || 1
  const next = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 2 ** 32
  }
  const go = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(go)
    if (!isObject(v)) return v
    const entries = Object.entries(v)
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1))
      ;[entries[i], entries[j]] = [entries[j]!, entries[i]!]
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, go(x)]))
  }
  return go(value)
}

export const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

export const json = FastCheck.jsonValue({ maxDepth: 4 }) as FastCheck.Arbitrary<Json>
export const key = FastCheck.oneof(FastCheck.constantFrom("id", "name", "a", "b", "__proto__", "constructor"), FastCheck.string())
export const record = FastCheck.dictionary(key, json, { maxKeys: 8 })
export const all: Fingerprint.Projection = { volatile: [] }
