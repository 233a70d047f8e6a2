/**
 * What every benchmark shares: options, timing, peak memory, targets, and
 * the report whose last line is one JSON object (`name`, `ratio` = ours ÷
 * baseline, higher is better, `peakRssMB`, and the raw figures) so runs on
 * noisy machines compare by ratio.
 */
import { performance } from "node:perf_hooks"

export interface Report {
  readonly name: string
  /** Ours ÷ baseline; higher is better. */
  readonly ratio: number
  readonly peakRssMB: number
  readonly [figure: string]: unknown
}

/** Peak resident set size of this process so far, in MB. */
export const peakRssMB = (): number => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10

/**
 * Memory in use, in bytes, after a full GC when `--expose-gc` is on: the JS
 * heap plus ArrayBuffers (typed arrays live outside the heap).
 */
export const heapUsed = (): number => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) {
    gc()
    gc()
  }
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

/** Wall time of an async step, in ms. */
export const timed = async <A>(f: () => Promise<A>): Promise<{ readonly ms: number; readonly value: A }> => {
  const start = performance.now()
  const value = await f()
  return { ms: performance.now() - start, value }
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits

/** Percentile of a sample (p in 0..100). */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

export const median = (values: ReadonlyArray<number>): number => {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

// --- options ------------------------------------------------------------------

/** A positive whole-number option (`--name N`), or `fallback`. */
export const option = (args: ReadonlyArray<string>, name: string, fallback: number): number => {
  const at = args.indexOf(name)
  const value = at === -1 ? undefined : Number(args[at + 1])
  return value === undefined || !Number.isFinite(value) || value <= 0 ? fallback : Math.floor(value)
}

/** A text option (`--name value`). */
export const text = (args: ReadonlyArray<string>, name: string): string | undefined => {
  const at = args.indexOf(name)
  return at === -1 ? undefined : args[at + 1]
}

/** A flag (`--name`). */
export const flag = (args: ReadonlyArray<string>, name: string): boolean => args.includes(name)

/** One of `choices` (`--name value`); the first choice unless given. Anything else is an error. */
export const choice = <const C extends string>(args: ReadonlyArray<string>, name: string, choices: readonly [C, ...Array<C>]): C => {
  const given = text(args, name)
  if (given === undefined) return choices[0]
  if (!(choices as ReadonlyArray<string>).includes(given)) throw new Error(`${name} must be one of ${choices.join(", ")} (got ${given})`)
  return given as C
}

// --- targets ------------------------------------------------------------------

/** A figure the project requires of a benchmark, and whether this run met it. */
export interface Target {
  readonly name: string
  readonly value: number
  /** `>=` or `<` `bound`. */
  readonly op: ">=" | "<"
  readonly bound: number
  readonly met: boolean
}

export const target = (name: string, value: number, op: ">=" | "<", bound: number): Target => ({
  name,
  value,
  op,
  bound,
  met: op === ">=" ? value >= bound : value < bound
})

/** One line per target: `met` or `NOT met`. */
export const targetLines = (targets: ReadonlyArray<Target>): Array<string> =>
  targets.map((t) => `  target ${t.name} ${t.op} ${t.bound}: ${t.value} ${t.met ? "met" : "NOT met"}`)

/** Prints human-readable lines, then the JSON report as the last line. */
export const report = (lines: ReadonlyArray<string>, result: Report): void => {
  for (const line of lines) console.log(line)
  console.log(JSON.stringify(result))
}
