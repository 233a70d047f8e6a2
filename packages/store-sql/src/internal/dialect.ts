/**
 * What differs between the two dialects the store speaks: placeholders,
 * booleans, how values come back from the drivers, and parameter limits.
 *
 * @internal
 */

/** @internal */
export type Dialect = "sqlite" | "pg"

/** A bound value, as both drivers accept it. @internal */
export type Param = string | number | boolean | Uint8Array | null

/** @internal */
export interface DialectOps {
  readonly name: Dialect
  /** Rewrites `?` placeholders for the driver (`$1, $2, …` on Postgres). */
  readonly q: (text: string) => string
  /** A boolean parameter (SQLite binds 1/0). */
  readonly bool: (value: boolean) => Param
  /** Largest number of bound parameters in one statement. */
  readonly maxParams: number
}

const pgCache = new Map<string, string>()

/** `?` → `$n`. Statements are written without `?` in literals, so a plain scan is exact. */
const toPg = (text: string): string => {
  const cached = pgCache.get(text)
  if (cached !== undefined) return cached
  let n = 0
  let out = ""
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    out += c === "?" ? `$${++n}` : c
  }
  // Statements built for chunked batches have a few distinct lengths: keep them, but bound the cache.
  if (pgCache.size > 2_000) pgCache.clear()
  pgCache.set(text, out)
  return out
}

/** @internal */
export const dialects: Record<Dialect, DialectOps> = {
  sqlite: {
    name: "sqlite",
    q: (text) => text,
    bool: (value) => (value ? 1 : 0),
    // SQLITE_MAX_VARIABLE_NUMBER is 32766 since 3.32.
    maxParams: 32_766
  },
  pg: {
    name: "pg",
    q: toPg,
    bool: (value) => value,
    maxParams: 65_535
  }
}

/** A number column: node-postgres returns int8 as a string, some hosts configure bigint. @internal */
export const num = (value: unknown): number =>
  typeof value === "number" ? value : typeof value === "string" ? Number(value) : typeof value === "bigint" ? Number(value) : NaN

/** A nullable number column; `undefined` when NULL. @internal */
export const optNum = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : num(value))

/** A boolean column (Postgres boolean, SQLite 0/1). @internal */
export const bool = (value: unknown): boolean => value === true || value === 1 || value === "1" || value === "t" || value === 1n

/** A nullable text column; `undefined` when NULL. @internal */
export const optText = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value))

/** A blob column as a plain `Uint8Array` the caller owns (drivers return `Buffer`s, maybe pooled). @internal */
export const bytes = (value: unknown): Uint8Array => {
  if (value instanceof Uint8Array) return new Uint8Array(value)
  if (typeof value === "string") {
    // A host with a custom bytea parser may hand back hex text.
    return new Uint8Array(Buffer.from(value.startsWith("\\x") ? value.slice(2) : value, "hex"))
  }
  return new Uint8Array(0)
}

/**
 * A bytes column as a view of what the driver returned, not a copy: for
 * payloads, which nobody mutates (the driver's buffer is this read's own). @internal
 */
export const bytesView = (value: unknown): Uint8Array =>
  value instanceof Uint8Array ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : bytes(value)

/** Chunks of `items` such that each chunk binds at most `maxParams` parameters of `perItem` each (and at most `cap` items). @internal */
export const chunks = <A>(items: ReadonlyArray<A>, perItem: number, maxParams: number, cap = 1_000): Array<ReadonlyArray<A>> => {
  const size = Math.max(1, Math.min(cap, Math.floor(maxParams / perItem)))
  if (items.length <= size) return items.length === 0 ? [] : [items]
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** `(?, ?, …)` repeated `rows` times, comma-separated. @internal */
export const tuples = (rows: number, width: number): string => {
  const one = `(${Array.from({ length: width }, () => "?").join(", ")})`
  return Array.from({ length: rows }, () => one).join(", ")
}

/** `?, ?, …` `n` times. @internal */
export const marks = (n: number): string => Array.from({ length: n }, () => "?").join(", ")
