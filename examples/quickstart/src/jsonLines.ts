import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { Display } from "./display.js"

/**
 * The `--json` display: no progress, one JSON object per line on standard
 * output — each run's report as the run completes, then the summary, which
 * is always the last line. Failures are also described on standard error.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (): Display => ({
  start: () => Effect.void,
  reset: () => Effect.void,
  crash: () => Effect.void,
  refusedConnect: () => Effect.void,
  connected: () => Effect.void,
  mutations: () => Effect.void,
  progress: () => Effect.void,
  run: (report) => Console.log(JSON.stringify(report)),
  summary: (summary) => Console.log(JSON.stringify(summary)),
  failure: (error) => Console.error(`Demo failed: ${error.message}`)
})
