import { Errors } from "@weft/core/connector"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * The delta cursor of the Greenhouse readers: the ISO 8601 instant to pass as
 * `updated_after` / `last_activity_after` next time.
 *
 * It is taken from the `Date` header of the first answer of a read (the
 * provider's clock when the read began, never the local one), minus a
 * look-back margin. Harvest's filters are inclusive ("at or after"), so a
 * change made while a long read was under way is picked up next time; a
 * record read twice produces no event because its fingerprint is unchanged.
 *
 * @since 0.1.0
 */

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/**
 * The instant of an HTTP `Date` header, in ms.
 *
 * @since 0.1.0
 * @category parsing
 */
export const fromDateHeader = (header: string | undefined): Option.Option<number> => {
  if (header === undefined) return Option.none()
  const ms = Date.parse(header)
  return Number.isNaN(ms) ? Option.none() : Option.some(ms)
}

/**
 * The instant of a Harvest timestamp, in ms.
 *
 * @since 0.1.0
 * @category parsing
 */
export const fromTimestamp = (value: unknown): Option.Option<number> => {
  if (typeof value !== "string" || !ISO_INSTANT.test(value)) return Option.none()
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? Option.none() : Option.some(ms)
}

/**
 * The cursor for an instant, moved back by the look-back margin.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (instantMs: number, lookbackMs: number): string => new Date(instantMs - lookbackMs).toISOString()

/**
 * Reads a cursor back; anything but an ISO 8601 instant is a
 * `ConnectorError` (the sync needs a full read to start over).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (cursor: string, operation: string): Effect.Effect<string, Errors.ConnectorError> =>
  Option.match(fromTimestamp(cursor), {
    onNone: () =>
      Effect.fail(
        new Errors.ConnectorError({
          operation,
          detail: `the saved cursor "${cursor.slice(0, 40)}" is not an ISO 8601 instant; run a full sync to start a new one`
        })
      ),
    onSome: (ms) => Effect.succeed(new Date(ms).toISOString())
  })
