import { Errors } from "@weft/core/connector"
import { CONTACTS_SCOPE } from "./api.js"

/**
 * Why Tickety refused a key, as `ConnectionError`s an end user can act on:
 * each says what is wrong (`message`) and what to do (`resolution`), and
 * none repeats the key. Shared by both connector styles, so they refuse with
 * the same words.
 *
 * @since 0.1.0
 */

const KEYS_PAGE = "In Tickety, open Settings › API keys"

/**
 * Tickety does not know the key, or it was revoked.
 *
 * @since 0.1.0
 * @category refusals
 */
export const invalidKey = (status?: number): Errors.ConnectionError =>
  new Errors.ConnectionError({
    code: "invalid_credentials",
    message: "Tickety did not accept this API key: it is unknown or has been revoked.",
    resolution: `${KEYS_PAGE}, create a key with the "${CONTACTS_SCOPE}" scope and paste all of it here.`,
    ...(status === undefined ? {} : { status })
  })

/**
 * The key works but may not read contacts.
 *
 * @since 0.1.0
 * @category refusals
 */
export const missingScope = (account?: string): Errors.ConnectionError =>
  new Errors.ConnectionError({
    code: "insufficient_permissions",
    message: `This Tickety API key${account === undefined ? "" : ` (helpdesk "${account}")`} may not read contacts.`,
    resolution: `${KEYS_PAGE}, edit the key, tick the "${CONTACTS_SCOPE}" scope, save, then connect again.`,
    status: 403
  })

/**
 * The key's helpdesk was closed.
 *
 * @since 0.1.0
 * @category refusals
 */
export const accountClosed = (): Errors.ConnectionError =>
  new Errors.ConnectionError({
    code: "account_not_found",
    message: "The Tickety helpdesk this API key belongs to has been closed.",
    resolution: "Sign in to the helpdesk you want to connect, create an API key in its Settings › API keys and paste it here.",
    status: 404
  })

/**
 * Tickety is throttling the key (after the retry policy gave up waiting).
 *
 * @since 0.1.0
 * @category refusals
 */
export const rateLimited = (): Errors.ConnectionError =>
  new Errors.ConnectionError({
    code: "rate_limited",
    message: "Tickety is limiting the requests of this API key right now.",
    resolution: "Wait a minute and connect again. If other tools share this key, give this integration a key of its own.",
    status: 429
  })

/**
 * Tickety could not be asked, or answered something unexpected.
 *
 * @since 0.1.0
 * @category refusals
 */
export const unavailable = (detail: string, status?: number): Errors.ConnectionError =>
  new Errors.ConnectionError({
    code: "provider_unavailable",
    message: `Tickety could not be reached to check the API key (${detail}).`,
    resolution: "Tickety may be having an outage: try again in a few minutes.",
    ...(status === undefined ? {} : { status })
  })

/**
 * The refusal for a non-2xx answer to `GET /api/me`.
 *
 * @since 0.1.0
 * @category refusals
 */
export const forStatus = (status: number): Errors.ConnectionError => {
  switch (status) {
    case 401:
      return invalidKey(status)
    case 403:
      return missingScope()
    case 404:
      return accountClosed()
    case 429:
      return rateLimited()
    default:
      return unavailable(`HTTP ${status} from GET /api/me`, status)
  }
}
