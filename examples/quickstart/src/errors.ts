import * as Schema from "effect/Schema"

/**
 * How the demo can end badly. Each message says what went wrong and, where
 * the user can do something about it, what to do.
 *
 * @since 0.1.0
 */

/**
 * A flag value the demo cannot use.
 *
 * @since 0.1.0
 * @category errors
 */
export class DemoInputError extends Schema.TaggedError<DemoInputError>()("DemoInputError", {
  flag: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.flag}: ${this.detail}. Run with --help for the list of flags.`
  }
}

/**
 * Why a demo that started did not succeed.
 *
 * - `setup`: the fake, the receiver or Weft could not be started;
 * - `connect`: the right API key was refused, or the sync was not created;
 * - `run_failed`: a sync run did not end `succeeded`;
 * - `mismatch`: a run emitted other counts than the mutations applied;
 * - `signature`: a delivery to the local receiver did not verify;
 * - `delivery`: events were dead-lettered instead of delivered;
 * - `order`: a record's events reached the local receiver out of order;
 * - `timeout`: the demo did not finish in time;
 * - `weft`: a Weft call failed unexpectedly (a store error, a missing row).
 *
 * @since 0.1.0
 * @category errors
 */
export class DemoFailure extends Schema.TaggedError<DemoFailure>()("DemoFailure", {
  reason: Schema.Literal("setup", "connect", "run_failed", "mismatch", "signature", "delivery", "order", "timeout", "weft"),
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

/**
 * A Weft call that should not fail did (a store error, a row gone missing).
 *
 * @since 0.1.0
 * @category constructors
 */
export const unexpected = (error: { readonly message: string }): DemoFailure =>
  new DemoFailure({ reason: "weft", detail: `Weft reported an unexpected error: ${error.message}` })
