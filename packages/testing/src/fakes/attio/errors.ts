/**
 * Attio's error answers: `{ status_code, type, code, message }`.
 *
 * @since 0.1.0
 */

/**
 * An error the fake answers with.
 *
 * @since 0.1.0
 * @category errors
 */
export class AttioError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string
  ) {
    super(message)
  }

  get body() {
    return { status_code: this.status, type: this.type, code: this.code, message: this.message }
  }
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const notFound = (message: string) => new AttioError(404, "invalid_request_error", "not_found", message)

/**
 * @since 0.1.0
 * @category constructors
 */
export const invalid = (message: string, code = "validation_type") =>
  new AttioError(400, "invalid_request_error", code, message)

/**
 * @since 0.1.0
 * @category constructors
 */
export const unauthorized = (message: string) => new AttioError(401, "auth_error", "unauthorized", message)

/**
 * @since 0.1.0
 * @category constructors
 */
export const forbidden = (message: string) => new AttioError(403, "auth_error", "forbidden", message)

/**
 * The body of Attio's 429.
 *
 * @since 0.1.0
 * @category constants
 */
export const RATE_LIMITED = {
  status_code: 429,
  type: "rate_limit_error",
  code: "rate_limit_exceeded",
  message: "Rate limit exceeded, please try again later"
} as const
