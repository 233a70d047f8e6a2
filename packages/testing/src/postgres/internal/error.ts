import * as Schema from "effect/Schema"

/**
 * A test PostgreSQL could not be started, stopped, reached, or could not
 * create or drop a database. The message says what went wrong and what to do;
 * it never contains a password.
 *
 * @since 0.1.0
 * @category errors
 */
export class TestPostgresError extends Schema.TaggedError<TestPostgresError>()("TestPostgresError", {
  operation: Schema.Literal("start", "stop", "connect", "createDatabase", "dropDatabase"),
  message: Schema.String
}) {}

/** Text of an unknown failure, for a message (scrub it before use). */
export const describe = (cause: unknown): string => {
  if (cause instanceof Error) {
    const code = (cause as { readonly code?: unknown }).code
    return typeof code === "string" && code !== "" && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message
  }
  return cause === undefined ? "no reason given" : String(cause)
}
