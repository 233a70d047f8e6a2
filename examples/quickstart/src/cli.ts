import { isIP } from "node:net"
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { Secret } from "@weft/sink-webhook"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { type DemoConfig, defaults, limits, type WebhookTarget } from "./config.js"
import * as Demo from "./demo.js"
import { DemoInputError } from "./errors.js"
import * as Human from "./human.js"
import * as JsonLines from "./jsonLines.js"
import * as Serve from "./serve.js"
import * as DemoStore from "./store.js"

/**
 * The command line: flags (parsed by `@effect/cli`, with `--help`), their
 * checks, and the exit code of a demo run.
 *
 * @since 0.1.0
 */

const integer = (name: string, fallback: number, description: string) =>
  Options.integer(name).pipe(
    Options.withPseudoName("N"),
    Options.withDefault(fallback),
    Options.withDescription(`${description} Default ${fallback}.`)
  )

const flags = {
  employees: integer(
    "employees",
    defaults.employees,
    `Employees in the fake BambooHR company, ${limits.employees.min} to ${limits.employees.max}; about 5 % of them are inactive.`
  ),
  deltaRounds: integer(
    "delta-rounds",
    defaults.deltaRounds,
    `Delta rounds after the initial sync, ${limits.deltaRounds.min} to ${limits.deltaRounds.max}: each hires, retitles, terminates and deletes a few employees, then syncs.`
  ),
  webhookUrl: Options.text("webhook-url").pipe(
    Options.withPseudoName("URL"),
    Options.optional,
    Options.withDescription("Send the events to your own Standard Webhooks receiver instead of the local one (needs --webhook-secret).")
  ),
  webhookSecret: Options.redacted("webhook-secret").pipe(
    Options.withPseudoName("whsec_…"),
    Options.optional,
    Options.withDescription("The secret your receiver verifies with; the destination is created with it. Default: a fresh one for the local receiver.")
  ),
  allowHosts: Options.text("allow-host").pipe(
    Options.withPseudoName("HOST"),
    Options.repeated,
    Options.withDefault([] as ReadonlyArray<string>),
    Options.withDescription("A host the SSRF guard lets through although it is not public (repeatable). The local receiver's 127.0.0.1 is allowed automatically.")
  ),
  json: Options.boolean("json").pipe(
    Options.withDescription("No live display: one JSON object per line (each run's audit, then a summary as the last line).")
  ),
  store: Options.text("store").pipe(
    Options.withPseudoName("STORE"),
    Options.withDefault(defaults.store),
    Options.withDescription(
      `Where Weft keeps its state: sqlite:<file>, postgres://user:password@host:port/database, or memory. Default ${defaults.store}; its Vault key is kept beside it (.weft/demo.key) unless ${DemoStore.KEYS_VARIABLE} is set.`
    )
  ),
  crash: Options.boolean("crash").pipe(
    Options.withDescription(
      "Run Weft in a child process, kill it (SIGKILL) once mid-delivery, start it again on the same store, and check that nothing was lost. Needs a SQLite or PostgreSQL store."
    )
  ),
  serve: Options.boolean("serve").pipe(
    Options.withDescription(
      "Instead of the scripted demo: start the fakes, Weft on the store and its management API (Swagger UI at /docs) with a verifying receiver, and run until Ctrl-C."
    )
  ),
  port: integer("port", defaults.port, "With --serve: the API's port on 127.0.0.1 (0: any free port)."),
  seed: integer("seed", defaults.seed, "Seed of the fake company and of the mutations: the same seed gives the same demo."),
  timeout: integer("timeout", defaults.timeoutSeconds, `Seconds before the demo gives up with an error, ${limits.timeoutSeconds.min} to ${limits.timeoutSeconds.max}.`)
}

// @effect/cli's integer option reports "'abc' is not a integer" without naming the flag: the
// numeric flags are looked at first, so the message says which one is wrong.
const integerFlags = ["--employees", "--delta-rounds", "--seed", "--timeout", "--port"]

/**
 * The first numeric flag whose value is not a whole number, as the error
 * to report.
 *
 * @since 0.1.0
 * @category parsing
 */
export const checkIntegers = (args: ReadonlyArray<string>): DemoInputError | undefined => {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--") break
    const flag = integerFlags.find((f) => arg === f || arg.startsWith(`${f}=`))
    if (flag === undefined) continue
    const value = arg === flag ? args[i + 1] : arg.slice(flag.length + 1)
    // A missing value is @effect/cli's to report.
    if (value === undefined || (arg === flag && value.startsWith("--"))) continue
    if (!/^[+-]?\d+$/.test(value.trim())) return new DemoInputError({ flag, detail: `"${value}" is not a whole number` })
  }
  return undefined
}

/**
 * The flags as parsed, before they are checked.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flags {
  readonly employees: number
  readonly deltaRounds: number
  readonly webhookUrl: Option.Option<string>
  readonly webhookSecret: Option.Option<Redacted.Redacted<string>>
  readonly allowHosts: ReadonlyArray<string>
  readonly json: boolean
  readonly store: string
  readonly crash: boolean
  readonly serve: boolean
  readonly port: number
  readonly seed: number
  readonly timeout: number
}

const inRange = (flag: string, value: number, range: { readonly min: number; readonly max: number }) =>
  value >= range.min && value <= range.max
    ? Effect.void
    : Effect.fail(new DemoInputError({ flag, detail: `must be from ${range.min} to ${range.max}, got ${value}` }))

const webhookTarget = (flags: Flags): Effect.Effect<WebhookTarget, DemoInputError> =>
  Effect.gen(function*() {
    if (Option.isNone(flags.webhookUrl)) {
      if (Option.isSome(flags.webhookSecret)) {
        return yield* new DemoInputError({
          flag: "--webhook-secret",
          detail: "is only used with --webhook-url (the local receiver makes its own secret); add --webhook-url or drop --webhook-secret"
        })
      }
      return { _tag: "Local" } as const
    }
    const url = flags.webhookUrl.value
    if (Option.isNone(flags.webhookSecret)) {
      return yield* new DemoInputError({
        flag: "--webhook-url",
        detail: "needs --webhook-secret whsec_…: the destination is created with that secret, so your receiver can verify every delivery"
      })
    }
    const parsed = URL.canParse(url) ? new URL(url) : undefined
    if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      return yield* new DemoInputError({ flag: "--webhook-url", detail: "must be an absolute http:// or https:// URL, e.g. https://example.com/webhooks/weft" })
    }
    // The reason never repeats the secret.
    const secret = Secret.decode(flags.webhookSecret.value)
    if (Either.isLeft(secret)) return yield* new DemoInputError({ flag: "--webhook-secret", detail: secret.left })
    return { _tag: "External", url, secret: flags.webhookSecret.value } as const
  })

/**
 * Checks the flags and turns them into a {@link DemoConfig}.
 *
 * @since 0.1.0
 * @category parsing
 */
export const toConfig = (flags: Flags): Effect.Effect<DemoConfig, DemoInputError> =>
  Effect.gen(function*() {
    yield* inRange("--employees", flags.employees, limits.employees)
    yield* inRange("--delta-rounds", flags.deltaRounds, limits.deltaRounds)
    yield* inRange("--timeout", flags.timeout, limits.timeoutSeconds)
    if (flags.seed < 0) return yield* new DemoInputError({ flag: "--seed", detail: `must be 0 or more, got ${flags.seed}` })
    for (const host of flags.allowHosts) {
      const bare = host.trim().replace(/^\[(.*)\]$/, "$1")
      if (bare === "" || (isIP(bare) === 0 && /[/:@\s]/.test(bare))) {
        return yield* new DemoInputError({ flag: "--allow-host", detail: `"${host}" is not a host name or IP address (give e.g. 127.0.0.1 or hooks.internal, not a URL)` })
      }
    }
    const store = DemoStore.parse(flags.store, process.cwd())
    if (Either.isLeft(store)) return yield* new DemoInputError({ flag: "--store", detail: store.left })
    if (flags.crash && store.right._tag === "memory") {
      return yield* new DemoInputError({
        flag: "--crash",
        detail: "needs a store that outlives the process; with --store memory nothing would survive the kill (drop --store memory, or give sqlite:<file> or a postgres:// URL)"
      })
    }
    return {
      employees: flags.employees,
      deltaRounds: flags.deltaRounds,
      seed: flags.seed,
      webhook: yield* webhookTarget(flags),
      allowHosts: flags.allowHosts.map((h) => h.trim()),
      json: flags.json,
      timeout: Duration.seconds(flags.timeout),
      store: store.right,
      crash: flags.crash
    }
  })

/** The demo ran and reported a failure (already shown). */
class DemoNotPassed extends Data.TaggedError("DemoNotPassed")<{}> {}

/**
 * The `demo` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("demo", flags, (parsed) =>
  Effect.gen(function*() {
    const config = yield* toConfig(parsed)
    if (parsed.serve) {
      if (parsed.port < 0 || parsed.port > 65_535) {
        return yield* new DemoInputError({ flag: "--port", detail: `must be from 0 to 65535, got ${parsed.port}` })
      }
      return yield* Serve.run({ port: parsed.port, employees: config.employees, seed: config.seed, store: config.store }).pipe(
        Effect.tapError((failure) => Console.error(`Error: ${failure.message}`)),
        Effect.mapError(() => new DemoNotPassed())
      )
    }
    const display = config.json ? JsonLines.make() : Human.make({ tty: process.stdout.isTTY === true })
    const ok = yield* Demo.run(config, display)
    if (!ok) return yield* new DemoNotPassed()
  })).pipe(
    Command.withDescription("Syncs a fake BambooHR company into signed webhooks with Weft, then checks every run and delivery.")
  )

const cli = Command.run(command, { name: "Weft quickstart", version: "0.1.0", executable: "npm run demo --" })

/**
 * Whether each output stream may carry ANSI colours: only a terminal, and
 * not when `NO_COLOR` is set (https://no-color.org).
 *
 * @since 0.1.0
 * @category running
 */
export interface Colors {
  readonly stdout: boolean
  readonly stderr: boolean
}

/**
 * The colours of this process: a stream that is a terminal, unless
 * `NO_COLOR` is set to a non-empty value.
 *
 * @since 0.1.0
 * @category running
 */
export const processColors = (): Colors => {
  const allowed = (process.env["NO_COLOR"] ?? "") === ""
  return { stdout: allowed && process.stdout.isTTY === true, stderr: allowed && process.stderr.isTTY === true }
}

// SGR sequences (colours, bold), which is all @effect/cli's help and error rendering uses.
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g")

// @effect/cli adds a type line to every option; for text options it is "A user-defined piece of
// text.", which tells nothing: each flag's description says what its value is.
const genericTypeLine = /^ *A user-defined piece of text( that is confidential)?\.\n\n/gm

const render = (parts: ReadonlyArray<unknown>, color: boolean, help: boolean) => {
  let text = parts.map(String).join(" ")
  if (!color) text = text.replace(ansi, "")
  if (help) text = text.replace(genericTypeLine, "")
  return text
}

/** The current console, with colours removed where the stream does not take them. */
const outputConsole = (colors: Colors, help: boolean): Effect.Effect<Console.Console> =>
  Effect.map(Effect.console, (base): Console.Console => ({
    ...base,
    log: (...parts) => base.log(render(parts, colors.stdout, help)),
    info: (...parts) => base.info(render(parts, colors.stdout, help)),
    error: (...parts) => base.error(render(parts, colors.stderr, false)),
    warn: (...parts) => base.warn(render(parts, colors.stderr, false))
  }))

/**
 * Runs the demo with command-line arguments (without the `node` and script
 * paths) and succeeds with the process exit code: 0 when the demo passed,
 * 1 when it failed, 2 for unusable flags. Output carries ANSI colours only
 * where `colors` allows (default: {@link processColors}).
 *
 * @example
 * ```ts
 * import * as NodeContext from "@effect/platform-node/NodeContext"
 * import * as Effect from "effect/Effect"
 * import { main } from "@weft/example-quickstart"
 *
 * const code = await Effect.runPromise(main(["--employees", "200", "--json"]).pipe(Effect.provide(NodeContext.layer)))
 * ```
 * @since 0.1.0
 * @category running
 */
export const main = (
  args: ReadonlyArray<string>,
  options: { readonly colors?: Colors | undefined } = {}
): Effect.Effect<number, never, CliApp.CliApp.Environment> =>
  Effect.gen(function*() {
    const help = args.includes("--help") || args.includes("-h")
    const output = yield* outputConsole(options.colors ?? processColors(), help)
    const notInteger = checkIntegers(args)
    const run = notInteger === undefined ? cli(["node", "src/main.ts", ...args]) : Effect.fail(notInteger)
    return yield* run.pipe(
      Effect.as(0),
      Effect.catchAll((error) => {
        // @effect/cli has already printed its own parse errors.
        if (ValidationError.isValidationError(error)) return Effect.as(Console.error("Run with --help for the list of flags."), 2)
        if (error._tag === "DemoInputError") return Effect.as(Console.error(`Error: ${error.message}`), 2)
        return Effect.succeed(1)
      }),
      Effect.withConsole(output)
    )
  })
