/**
 * Canonical JSON written straight to UTF-8 bytes in one reusable buffer: no
 * intermediate strings, so a fingerprint hashes the bytes as they are and the
 * delivered text is decoded once. The output is byte for byte the UTF-8 of
 * the canonical text (sorted keys, `undefined` members dropped, `toJSON`
 * honoured on objects, non-finite numbers as `null`, bigints as digits).
 *
 * @internal
 */
export class Writer {
  buf: Buffer
  /** The same memory as a plain Uint8Array, whose views are cheaper to make than a Buffer's. */
  bytes: Uint8Array
  at = 0
  /**
   * Where the members of the last top-level object written member by member
   * lie, and which are volatile (Fingerprint's bookkeeping). Kept per writer,
   * so a nested call, which gets its own writer, cannot overwrite it.
   */
  readonly members = { count: 0, start: [] as Array<number>, end: [] as Array<number>, volatile: [] as Array<number> }

  constructor(size: number) {
    this.buf = Buffer.allocUnsafeSlow(size)
    this.bytes = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.length)
  }

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.at + n <= this.buf.length) return
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.at + n))
    this.buf.copy(next, 0, 0, this.at)
    this.buf = next
    this.bytes = new Uint8Array(next.buffer, next.byteOffset, next.length)
  }

  byte(b: number): void {
    if (this.at === this.buf.length) this.reserve(1)
    this.buf[this.at++] = b
  }

  /** An ASCII-only string, as is. */
  ascii(s: string): void {
    const n = s.length
    this.reserve(n)
    const buf = this.buf
    let at = this.at
    for (let i = 0; i < n; i++) buf[at++] = s.charCodeAt(i)
    this.at = at
  }

  /** A string as JSON.stringify quotes it. */
  string(s: string): void {
    const n = s.length
    this.reserve(n + 2)
    const buf = this.buf
    let at = this.at
    buf[at++] = 0x22
    // Printable ASCII without `"` or `\` is copied as is; anything else takes JSON.stringify's own escaping.
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c > 0x7e || PLAIN[c] === 0) return this.escaped(s)
      buf[at++] = c
    }
    buf[at] = 0x22
    this.at = at + 1
  }

  private escaped(s: string): void {
    const quoted = JSON.stringify(s)
    // The quoted text has no lone surrogates (they are escaped): at most 3 UTF-8 bytes per code unit.
    this.reserve(quoted.length * 3)
    this.at += this.buf.write(quoted, this.at, "utf8")
  }

  /** Writes `value`; `false` (and nothing written) when it has no JSON form. */
  value(value: unknown): boolean {
    switch (typeof value) {
      case "string":
        this.string(value)
        return true
      case "number":
        this.ascii(Number.isFinite(value) ? String(value) : "null")
        return true
      case "boolean":
        this.ascii(value ? "true" : "false")
        return true
      case "bigint":
        this.ascii(value.toString())
        return true
      case "object": {
        if (value === null) {
          this.ascii("null")
          return true
        }
        if (Array.isArray(value)) {
          this.byte(0x5b)
          for (let i = 0; i < value.length; i++) {
            if (i > 0) this.byte(0x2c)
            if (!this.value(value[i])) this.ascii("null")
          }
          this.byte(0x5d)
          return true
        }
        const toJSON = (value as { toJSON?: unknown }).toJSON
        if (typeof toJSON === "function") return this.value((toJSON as () => unknown).call(value))
        this.object(value as Record<string, unknown>, sortedKeysOf(value))
        return true
      }
      default:
        return false
    }
  }

  /** `{…}` of `keys` (in their order) that `source` has with a JSON value. */
  object(source: Record<string, unknown>, keys: Keys): void {
    this.byte(0x7b)
    const sorted = keys.sorted
    const heads = keys.heads
    let first = true
    for (let i = 0; i < sorted.length; i++) {
      const value = source[sorted[i]!]
      if (value === undefined) continue
      const mark = this.at
      if (!first) this.byte(0x2c)
      if (heads === undefined) {
        this.string(sorted[i]!)
        this.byte(0x3a)
      } else {
        this.head(heads[i]!)
      }
      if (this.value(value)) first = false
      else this.at = mark
    }
    this.byte(0x7d)
  }

  /** Bytes known in advance, such as a member's `"key":`. */
  head(bytes: Uint8Array): void {
    const n = bytes.length
    this.reserve(n)
    const buf = this.buf
    let at = this.at
    for (let i = 0; i < n; i++) buf[at++] = bytes[i]!
    this.at = at
  }

  /** `"key":value`; `false` (and nothing written) when the value has no JSON form. */
  member(key: string, value: unknown): boolean {
    const mark = this.at
    this.string(key)
    this.byte(0x3a)
    if (this.value(value)) return true
    this.at = mark
    return false
  }

  /** The bytes written so far, as text. */
  text(from = 0, to = this.at): string {
    return this.buf.toString("utf8", from, to)
  }
}

// Printable ASCII except `"` and `\`: copied into a JSON string as is.
const PLAIN = new Uint8Array(0x7f)
for (let c = 0x20; c < 0x7f; c++) PLAIN[c] = c === 0x22 || c === 0x5c ? 0 : 1

/**
 * Keys in canonical order, and for each the UTF-8 bytes of its `"key":`
 * when they were worked out in advance.
 *
 * @internal
 */
export interface Keys {
  readonly sorted: ReadonlyArray<string>
  readonly heads: ReadonlyArray<Uint8Array> | undefined
}

const encoder = new TextEncoder()

/**
 * Keys sorted in canonical order with their `"key":` bytes, for key lists
 * used again and again (a shape, a projection's fields).
 *
 * @internal
 */
export const keysFor = (keys: ReadonlyArray<string>): Keys => {
  const sorted = sortKeys(keys.slice())
  return { sorted, heads: sorted.map((key) => encoder.encode(JSON.stringify(key) + ":")) }
}

/**
 * Sorts keys in place in canonical order (UTF-16 code units, as
 * `Array.prototype.sort` does); an insertion sort beats the built-in sort's
 * setup at record sizes.
 *
 * @internal
 */
export const sortKeys = (keys: Array<string>): Array<string> => {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!
    let j = i - 1
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!
      j--
    }
    keys[j + 1] = key
  }
  return keys
}

/**
 * An object's own enumerable keys in canonical order. Objects of one shape
 * (the same keys in the same order) share one sorted list, with the bytes
 * of each key worked out once: a plain object
 * whose keys, enumerated without allocating, are those of a remembered shape
 * takes that shape's list. Anything else is listed and sorted afresh.
 *
 * @internal
 */
export const sortedKeysOf = (value: object): Keys => {
  const proto = Object.getPrototypeOf(value)
  // `for…in` also walks inherited keys: only plain objects are matched against shapes, and only
  // while Object.prototype has no enumerable key of its own.
  if (proto !== null && (proto !== Object.prototype || !pristine())) return { sorted: sortKeys(Object.keys(value)), heads: undefined }
  let first: string | undefined
  for (const key in value) {
    first = key
    break
  }
  if (first === undefined) return NO_KEYS
  const known = shapes.get(first)
  if (known !== undefined) {
    for (let i = 0; i < known.length; i++) if (hasShape(value, known[i]!.keys)) return known[i]!.sorted
  }
  const keys = Object.keys(value)
  // Inherited enumerable keys (a polluted Object.prototype): never remembered.
  if (keys[0] !== first || !hasShape(value, keys)) return { sorted: sortKeys(keys), heads: undefined }
  const shape: Shape = { keys, sorted: keysFor(keys) }
  if (known === undefined) {
    if (shapes.size >= MAX_SHAPES) shapes.clear()
    shapes.set(first, [shape])
  } else {
    if (known.length >= SHAPES_PER_KEY) known.shift()
    known.push(shape)
  }
  return shape.sorted
}

interface Shape {
  readonly keys: ReadonlyArray<string>
  readonly sorted: Keys
}

const NO_KEYS: Keys = { sorted: [], heads: [] }
const EMPTY = {}

const pristine = (): boolean => {
  for (const _ in EMPTY) return false
  return true
}
// Shapes by first key; bounded, since free-form maps bring ever new ones.
const shapes = new Map<string, Array<Shape>>()
const MAX_SHAPES = 1024
const SHAPES_PER_KEY = 4

// Whether `for…in` over `value` yields exactly `keys`, in order.
const hasShape = (value: object, keys: ReadonlyArray<string>): boolean => {
  let i = 0
  for (const key in value) {
    if (i === keys.length || key !== keys[i]) return false
    i++
  }
  return i === keys.length
}

const INITIAL = 16 * 1024
// A buffer grown past this by one huge value is not kept.
const KEPT = 1024 * 1024

let shared: Writer | undefined
let busy = false

/**
 * Runs `f` with an empty writer. The shared one is reused; a nested call (a
 * getter or `toJSON` that itself writes canonical JSON) gets its own.
 *
 * @internal
 */
export const using = <A>(f: (writer: Writer) => A): A => {
  if (busy) return f(new Writer(256))
  busy = true
  const writer = (shared ??= new Writer(INITIAL))
  writer.at = 0
  try {
    return f(writer)
  } finally {
    busy = false
    if (writer.buf.length > KEPT) shared = undefined
  }
}
