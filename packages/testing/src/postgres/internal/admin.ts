import * as Crypto from "node:crypto"
import * as Effect from "effect/Effect"
import pg from "pg"
import { describe, TestPostgresError } from "./error.js"
import { safeUrl, scrub, secretsOf } from "./redact.js"

/**
 * Admin operations over one short-lived `pg` connection: reaching a server,
 * creating and dropping the databases that tests get.
 *
 * @internal
 */

type Operation = TestPostgresError["operation"]

const fail = (operation: Operation, adminUrl: string, what: string, cause: unknown): TestPostgresError =>
  new TestPostgresError({
    operation,
    message: scrub(`${what} on ${safeUrl(adminUrl)}: ${describe(cause)}`, secretsOf(adminUrl))
  })

/**
 * Runs `f` with a connection to `adminUrl`, closed afterwards. The bounds are
 * `pg`'s own, in real time: a safety net against a server that never answers.
 */
const withClient = <A>(
  adminUrl: string,
  operation: Operation,
  what: string,
  f: (client: pg.Client) => Promise<A>
): Effect.Effect<A, TestPostgresError> =>
  Effect.acquireUseRelease(
    Effect.tryPromise({
      try: async () => {
        const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 60_000, query_timeout: 120_000 })
        // An idle connection that the server drops would otherwise be an uncaught error event.
        client.on("error", () => undefined)
        try {
          await client.connect()
        } catch (cause) {
          await client.end().catch(() => undefined)
          throw cause
        }
        return client
      },
      catch: (cause) => fail(operation, adminUrl, `${what}: could not connect`, cause)
    }),
    (client) => Effect.tryPromise({ try: () => f(client), catch: (cause) => fail(operation, adminUrl, what, cause) }),
    (client) => Effect.promise(() => client.end().catch(() => undefined))
  )

/** Fails unless `adminUrl` answers a query. */
export const check = (adminUrl: string): Effect.Effect<void, TestPostgresError> =>
  withClient(adminUrl, "connect", "PostgreSQL did not answer", async (client) => {
    await client.query("select 1")
  })

/**
 * A name no other test, fork or run picks. It comes from the operating
 * system's generator on purpose: a seeded `Random` in a test would give every
 * fork the same names on a shared server.
 */
export const databaseName = (): string => `weft_t_${Crypto.randomBytes(8).toString("hex")}`

/** `adminUrl` pointed at the database `name`, keeping its credentials and parameters. */
export const databaseUrl = (adminUrl: string, name: string): string => {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export const createDatabase = (adminUrl: string, name: string): Effect.Effect<void, TestPostgresError> =>
  Effect.suspend(() => {
    try {
      databaseUrl(adminUrl, name)
    } catch (cause) {
      return Effect.fail(fail("createDatabase", adminUrl, "not a PostgreSQL URL", cause))
    }
    return withClient(adminUrl, "createDatabase", `Could not create database ${name}`, async (client) => {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`)
    })
  })

/**
 * Drops `name`, closing connections that tests left open (`WITH (FORCE)`,
 * PostgreSQL 13 and later; older servers get a plain drop).
 */
export const dropDatabase = (adminUrl: string, name: string): Effect.Effect<void, TestPostgresError> =>
  withClient(adminUrl, "dropDatabase", `Could not drop database ${name}`, async (client) => {
    const id = client.escapeIdentifier(name)
    try {
      await client.query(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`)
    } catch (cause) {
      if ((cause as { readonly code?: unknown }).code !== "42601") throw cause
      await client.query(`DROP DATABASE IF EXISTS ${id}`)
    }
  })
