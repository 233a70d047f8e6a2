/**
 * Weft's typed errors as HTTP answers. The Promise facade rejects with the
 * same error objects the Effect API fails with; each carries a `_tag`, so a
 * host tells them apart without importing their classes.
 *
 * @since 0.1.0
 */

/**
 * An answer for the service's clients.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorAnswer {
  readonly status: number
  readonly body: Readonly<Record<string, unknown>>
}

interface Tagged {
  readonly _tag: string
  readonly message: string
}

const isTagged = (u: unknown): u is Tagged =>
  typeof u === "object" && u !== null && typeof (u as { _tag?: unknown })._tag === "string" &&
  typeof (u as { message?: unknown }).message === "string"

/** Errors whose message is about the caller's input and safe to show them. */
const INPUT_ERRORS = new Set([
  "InvalidCredentialsError",
  "InvalidInputError",
  "UnsupportedModelError",
  "UnknownFieldGroupError",
  "UnknownConnectorError",
  "DestinationError"
])

/**
 * The answer for a rejection of the Weft client:
 * - `ConnectionError` (the provider refused the credentials): 400 with its
 *   `code`, `message` and `resolution`, ready to show on a connect screen;
 * - input errors: 400 with their message;
 * - `NotFoundError`: 404; `SyncPausedError`: 409;
 * - anything else: 500 with a generic message (the detail goes to the
 *   service's log, not to the client).
 *
 * @since 0.1.0
 * @category constructors
 */
export const toAnswer = (error: unknown): ErrorAnswer => {
  if (!isTagged(error)) return { status: 500, body: { error: "internal_error", message: "Something went wrong; see the service log." } }
  if (error._tag === "ConnectionError") {
    const { code, message, resolution } = error as Tagged & { readonly code: string; readonly resolution: string }
    return { status: 400, body: { error: "connection_refused", code, message, resolution } }
  }
  if (error._tag === "NotFoundError") return { status: 404, body: { error: "not_found", message: error.message } }
  if (error._tag === "SyncPausedError") return { status: 409, body: { error: "sync_paused", message: error.message } }
  if (INPUT_ERRORS.has(error._tag)) return { status: 400, body: { error: error._tag, message: error.message } }
  return { status: 500, body: { error: "internal_error", message: "Something went wrong; see the service log." } }
}
