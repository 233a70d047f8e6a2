import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Store } from "@weft/core/store"

/**
 * The SQL store could not start: the database is unreachable, its schema is
 * newer than this version knows (or missing while migrations are off), a
 * migration failed, or the configuration names no store this package
 * provides. The message says which database (never its password) and what to
 * check.
 *
 * @since 0.1.0
 * @category errors
 */
export class StoreSqlError extends Schema.TaggedError<StoreSqlError>()("StoreSqlError", {
  reason: Schema.Literal("unreachable", "schema-newer", "schema-missing", "migration-failed", "unsupported", "config"),
  message: Schema.String
}) {}

/** A rejection with a detail a reader can act on. @internal */
export class Rejection {
  constructor(readonly detail: string) {}
}

/** Fails the current operation with `detail`; {@link mapErrors} turns it into a `StoreError`. @internal */
export const reject = (detail: string): Effect.Effect<never, Rejection> => Effect.fail(new Rejection(detail))

/** The passwords of a connection URL (raw and decoded), to keep out of messages. @internal */
export const secretsOfUrl = (url: string): ReadonlyArray<string> => {
  const found: Array<string> = []
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") {
      found.push(parsed.password)
      try {
        found.push(decodeURIComponent(parsed.password))
      } catch {
        // a malformed escape: the raw form is listed
      }
    }
    const query = parsed.searchParams.get("password")
    if (query !== null && query !== "") found.push(query, encodeURIComponent(query))
  } catch {
    // not a URL: nothing to tell apart
  }
  return [...new Set(found)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)
}

/** `text` with every secret replaced by `***`. @internal */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce((acc, secret) => acc.split(secret).join("***"), text)

/** The readable part of a driver error: its message, the Postgres code and detail when present. @internal */
export const describe = (cause: unknown): string => {
  const parts: Array<string> = []
  let current: unknown = cause
  // SqlError wraps the driver's error in `cause`; walk down to the driver's own words.
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (typeof current === "object") {
      const c = current as { message?: unknown; code?: unknown; detail?: unknown; cause?: unknown; _tag?: unknown }
      if (typeof c.message === "string" && c.message !== "" && !parts.includes(c.message)) parts.push(c.message)
      if (typeof c.code === "string" && c._tag === undefined) parts.push(`(code ${c.code})`)
      if (typeof c.detail === "string" && c.detail !== "") parts.push(c.detail)
      current = c.cause
    } else {
      parts.push(String(current))
      break
    }
  }
  return parts.length === 0 ? "unknown database error" : parts.map((p) => p.replace(/\.+$/, "")).join(": ")
}

/** The driver's error code (Postgres SQLSTATE or SQLite's `SQLITE_*`), if any. @internal */
export const codeOf = (cause: unknown): string | undefined => {
  let current: unknown = cause
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Runs a store operation: rejections and driver errors become `StoreError`s
 * naming `op`, and so do defects (a driver that throws, a COMMIT that fails),
 * so nothing escapes untyped.
 *
 * @internal
 */
export const mapErrors = <A, E, R>(op: string, secrets: ReadonlyArray<string>) =>
(effect: Effect.Effect<A, E, R>): Effect.Effect<A, Store.StoreError, R> =>
  effect.pipe(
    Effect.catchAllCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
      const failure = Cause.failureOption(cause)
      if (failure._tag === "Some") {
        const error = failure.value
        if (error instanceof Rejection) return Effect.fail(new Store.StoreError({ op, detail: error.detail }))
        if (error instanceof Store.StoreError) return Effect.fail(error)
        return Effect.fail(new Store.StoreError({ op, detail: scrub(`database error: ${describe(error)}`, secrets), cause: error }))
      }
      const defect = Cause.squash(cause)
      return Effect.fail(
        new Store.StoreError({ op, detail: scrub(`unexpected database failure: ${describe(defect)}`, secrets), cause: defect })
      )
    })
  )
