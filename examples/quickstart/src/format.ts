/**
 * Text formatting for the human display: numbers, durations, tables.
 *
 * @since 0.1.0
 */

/**
 * `12345` → `"12,345"`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const count = (n: number): string => n.toLocaleString("en-US")

/**
 * `850` → `"850 ms"`, `12345` → `"12.3 s"`, `125000` → `"2 min 5 s"`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const duration = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`
}

/**
 * `(1, "hire")` → `"1 hire"`, `(2, "hire")` → `"2 hires"`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const plural = (n: number, noun: string): string => `${count(n)} ${noun}${n === 1 ? "" : "s"}`

/**
 * A plain-text table: the first column left-aligned, the others right-aligned.
 *
 * @since 0.1.0
 * @category formatting
 */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, indent = "  "): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    indent + cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd()
  return [line(header), ...rows.map(line)].join("\n")
}
