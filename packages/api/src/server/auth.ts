import { createHash, timingSafeEqual } from "node:crypto"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { Forbidden, Unauthorized } from "../definition/errors.js"
import { AdminAuth, SessionAuth } from "../definition/security.js"
import type { Signer } from "./sessions.js"

/**
 * The two security middlewares. API keys are compared in constant time:
 * each is hashed once, the presented token is hashed per request, and every
 * configured key is compared (so neither the key's length nor its position
 * in the list shows in the timing).
 */

const digest = (text: string) => createHash("sha256").update(text).digest()

export const makeKeyCheck = (keys: ReadonlyArray<Redacted.Redacted<string>>) => {
  const digests = keys.map((key) => digest(Redacted.value(key)))
  return (token: string): boolean => {
    const presented = digest(token)
    let match = false
    for (const key of digests) match = timingSafeEqual(presented, key) || match
    return match
  }
}

const missing = new Unauthorized({
  code: "missing_credentials",
  message: "Send an API key (admin endpoints) or a connect-session token (connect endpoints) as `Authorization: Bearer <token>`."
})
const unknown = new Unauthorized({ code: "invalid_credentials", message: "The bearer token is not a known API key or a valid connect-session token." })

export const layerAdminAuth = (isApiKey: (token: string) => boolean, signer: Signer) =>
  Layer.succeed(
    AdminAuth,
    AdminAuth.of({
      adminKey: (bearer) => {
        const token = Redacted.value(bearer)
        if (token === "") return Effect.fail(missing)
        if (isApiKey(token)) return Effect.void
        return Option.isSome(signer.readToken(token))
          ? Effect.fail(
            new Forbidden({
              code: "admin_only",
              message: "A connect-session token can only call the /connect endpoints; this endpoint needs an API key."
            })
          )
          : Effect.fail(unknown)
      }
    })
  )

export const layerSessionAuth = (isApiKey: (token: string) => boolean, signer: Signer) =>
  Layer.succeed(
    SessionAuth,
    SessionAuth.of({
      sessionToken: (bearer) =>
        Effect.gen(function*() {
          const token = Redacted.value(bearer)
          if (token === "") return yield* Effect.fail(missing)
          const session = signer.readToken(token)
          if (Option.isNone(session)) {
            return yield* Effect.fail(
              isApiKey(token)
                ? new Forbidden({
                  code: "session_only",
                  message: "The /connect endpoints are for the end user's browser: create a connect session (POST /connect-sessions) and use its token."
                })
                : unknown
            )
          }
          const now = yield* Clock.currentTimeMillis
          if (session.value.expiresAt <= now) {
            return yield* Effect.fail(
              new Unauthorized({ code: "session_expired", message: "The connect session has expired; ask for a new one and try again." })
            )
          }
          return session.value
        })
    })
  )
