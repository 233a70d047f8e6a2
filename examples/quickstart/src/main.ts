import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { main } from "./cli.js"

/**
 * `npm run demo -- [flags]`: the Weft quickstart. See README.md.
 *
 * @since 0.1.0
 */

main(process.argv.slice(2)).pipe(
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    // The demo prints its own errors; the exit code is what `main` decided.
    disableErrorReporting: true,
    teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : 1)
  })
)
