/**
 * What every benchmark shares: timing, peak memory, and the report whose
 * last line is one JSON object (`name`, `ratio` = ours ÷ baseline, higher is
 * better, `peakRssMB`, and the raw figures) so runs on noisy machines compare
 * by ratio.
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

/** Prints human-readable lines, then the JSON report as the last line. */
export const report = (lines: ReadonlyArray<string>, result: Report): void => {
  for (const line of lines) console.log(line)
  console.log(JSON.stringify(result))
}
