import * as Fs from "node:fs"
import * as Path from "node:path"
import { Vault } from "@weft/core/vault"
import type { Store } from "@weft/core/store"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import type { StoreSql } from "@weft/store-sql"
import { StoreMemory } from "@weft/store-memory"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { StoreChoice } from "./config.js"
import { DemoFailure } from "./errors.js"

/**
 * The demo's store and its Vault key: the `--store` value, where it points
 * (said without a password), the key that seals what the store keeps, and
 * the store layer.
 *
 * A store that survives the process needs a key that does too: the key comes
 * from `WEFT_VAULT_KEYS` when it is set, else from a key file next to the
 * SQLite file (`.weft/demo.key` beside `.weft/demo.db`) or, for PostgreSQL,
 * `.weft/postgres.key`, made with mode 0600 on first use.
 *
 * @since 0.1.0
 */

/**
 * The environment variable that holds the Vault keys (`id:base64key`, the
 * current key first), as `Vault.layerConfig` reads it.
 *
 * @since 0.1.0
 * @category constants
 */
export const KEYS_VARIABLE = "WEFT_VAULT_KEYS"

const USAGE = "give memory, sqlite:<file> (e.g. sqlite:.weft/demo.db) or postgres://user:password@host:port/database"

/**
 * Reads a `--store` value; relative SQLite paths are taken from `cwd`. The
 * reason of a refusal never quotes the value past its scheme: it may hold a
 * password.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (value: string, cwd: string): Either.Either<StoreChoice, string> => {
  const text = value.trim()
  if (text === "memory") return Either.right({ _tag: "memory" })
  if (text.startsWith("sqlite:")) {
    const filename = text.replace(/^sqlite:(\/\/)?/, "")
    if (filename === "") return Either.left(`"sqlite:" names no file; ${USAGE}`)
    if (filename === ":memory:") return Either.left("an in-memory SQLite database is gone with the process; use --store memory for that")
    return Either.right({ _tag: "sqlite", filename: Path.resolve(cwd, filename) })
  }
  // `postgres:URL` and the URL alone.
  const url = text.replace(/^postgres:(?=postgres(ql)?:\/\/)/, "")
  if (/^postgres(ql)?:\/\//.test(url)) {
    if (!URL.canParse(url) || new URL(url).hostname === "") {
      return Either.left(`the PostgreSQL URL could not be read (it is not shown: it may hold a password); ${USAGE}`)
    }
    return Either.right({ _tag: "postgres", url: Redacted.make(url) })
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]
  const got = scheme !== undefined
    ? `a value with the scheme "${scheme}:"`
    : /^[\w./-]{1,60}$/.test(text)
    ? `"${text}"`
    : "a value that is none of these"
  return Either.left(`${USAGE}; got ${got}`)
}

/**
 * Where the store is, for display: a SQLite path (relative to `cwd` when it
 * is under it), or a PostgreSQL URL without its password.
 *
 * @since 0.1.0
 * @category display
 */
export const describe = (store: StoreChoice, cwd: string): string => {
  switch (store._tag) {
    case "memory":
      return "in-memory store"
    case "sqlite":
      return `SQLite ${shortPath(store.filename, cwd)}`
    case "postgres":
      return `PostgreSQL ${postgresWhere(Redacted.value(store.url))}`
  }
}

/**
 * `postgres://user@host:port/database`: a URL without its password.
 *
 * @since 0.1.0
 * @category display
 */
export const postgresWhere = (url: string): string => {
  try {
    const parsed = new URL(url)
    const user = parsed.username === "" ? "" : `${decodeURIComponent(parsed.username)}@`
    const db = decodeURIComponent(parsed.pathname.replace(/^\//, ""))
    return `postgres://${user}${parsed.hostname}:${parsed.port || "5432"}/${db}`
  } catch {
    return "postgres://(a URL that could not be read)"
  }
}

/**
 * A path relative to `cwd` when it is under it, else absolute.
 *
 * @since 0.1.0
 * @category display
 */
export const shortPath = (file: string, cwd: string): string => {
  const relative = Path.relative(cwd, file)
  return relative !== "" && !relative.startsWith("..") && !Path.isAbsolute(relative) ? relative : file
}

/**
 * Where the demo keeps the Vault key of a store: beside the SQLite file
 * (`demo.db` → `demo.key`), `.weft/postgres.key` for PostgreSQL, nowhere for
 * the in-memory store.
 *
 * @since 0.1.0
 * @category keys
 */
export const keyFile = (store: StoreChoice, cwd: string): string | undefined => {
  switch (store._tag) {
    case "memory":
      return undefined
    case "sqlite": {
      const parsed = Path.parse(store.filename)
      return Path.join(parsed.dir, `${parsed.name}.key`)
    }
    case "postgres":
      return Path.resolve(cwd, ".weft", "postgres.key")
  }
}

/**
 * The Vault key of a demo run and where it came from.
 *
 * @since 0.1.0
 * @category keys
 */
export interface DemoKey {
  /** `id:base64key[,…]`, as `WEFT_VAULT_KEYS` holds it; never printed. */
  readonly keys: Redacted.Redacted<string>
  readonly source:
    | { readonly _tag: "env" }
    | { readonly _tag: "file"; readonly path: string; readonly created: boolean }
    | { readonly _tag: "process" }
}

/**
 * The parsed and checked keys.
 *
 * @since 0.1.0
 * @category keys
 */
export const vaultKeys = (keys: Redacted.Redacted<string>): Either.Either<Vault.VaultKeys, string> =>
  Either.flatMap(Vault.parseKeys(keys), Vault.checkKeys).pipe(Either.mapLeft((error) => error.message))

const keyProblem = (where: string, problem: string) =>
  new DemoFailure({
    reason: "setup",
    detail: `The Vault key in ${where} is not usable: ${problem}`
  })

const newKeyLine = (): string => {
  // A key id of its own per key file: a store sealed with another key then says "unknown key", not "tampered".
  const id = `demo-${Buffer.from(Redacted.value(Vault.generateKey()), "base64").toString("hex").slice(0, 8)}`
  return `${id}:${Redacted.value(Vault.generateKey())}`
}

/**
 * The key for `store`: `WEFT_VAULT_KEYS` when set; else the store's key
 * file, made (mode 0600) when missing; a fresh key for the in-memory store.
 *
 * @since 0.1.0
 * @category keys
 */
export const loadKey = (store: StoreChoice, cwd: string): Effect.Effect<DemoKey, DemoFailure> =>
  Effect.gen(function*() {
    const fromEnv = yield* Effect.orElseSucceed(Config.option(Config.redacted(KEYS_VARIABLE)), () => Option.none())
    if (Option.isSome(fromEnv) && Redacted.value(fromEnv.value).trim() !== "") {
      const checked = vaultKeys(fromEnv.value)
      if (Either.isLeft(checked)) return yield* keyProblem(KEYS_VARIABLE, checked.left)
      return { keys: fromEnv.value, source: { _tag: "env" } } as const
    }
    const file = keyFile(store, cwd)
    if (file === undefined) return { keys: Redacted.make(newKeyLine()), source: { _tag: "process" } } as const
    const shown = shortPath(file, cwd)
    const created = yield* Effect.try({
      try: () => {
        Fs.mkdirSync(Path.dirname(file), { recursive: true })
        try {
          // `wx`: made only if missing, so two demos starting at once agree on one key.
          Fs.writeFileSync(file, `${newKeyLine()}\n`, { mode: 0o600, flag: "wx" })
          return true
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "EEXIST") return false
          throw error
        }
      },
      catch: (error) =>
        new DemoFailure({
          reason: "setup",
          detail: `The Vault key file ${shown} could not be made: ${(error as Error).message}. Set ${KEYS_VARIABLE} instead, or make its folder writable.`
        })
    })
    const text = yield* Effect.try({
      try: () => Fs.readFileSync(file, "utf8").trim(),
      catch: (error) =>
        new DemoFailure({ reason: "setup", detail: `The Vault key file ${shown} could not be read: ${(error as Error).message}.` })
    })
    const keys = Redacted.make(text)
    const checked = vaultKeys(keys)
    if (Either.isLeft(checked)) {
      return yield* keyProblem(
        shown,
        `${checked.left} Delete the file to make a new key (what the store sealed with the old one can then not be opened: delete the store too, or set ${KEYS_VARIABLE}).`
      )
    }
    return { keys, source: { _tag: "file", path: file, created } } as const
  })

/**
 * The store layer for a choice; SQLite and PostgreSQL are migrated when it
 * starts.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (store: StoreChoice): Layer.Layer<Store.Store, StoreSql.StoreSqlError> => {
  switch (store._tag) {
    case "memory":
      return StoreMemory.layer
    case "sqlite":
      return StoreSqlite.layer({ filename: store.filename })
    case "postgres":
      return StorePostgres.layer({ url: store.url })
  }
}

/**
 * The store choice as plain data for the worker process, and back.
 *
 * @since 0.1.0
 * @category worker
 */
export type StoreWire =
  | { readonly _tag: "memory" }
  | { readonly _tag: "sqlite"; readonly filename: string }
  | { readonly _tag: "postgres"; readonly url: string }

/**
 * @since 0.1.0
 * @category worker
 */
export const toWire = (store: StoreChoice): StoreWire =>
  store._tag === "postgres" ? { _tag: "postgres", url: Redacted.value(store.url) } : store

/**
 * @since 0.1.0
 * @category worker
 */
export const fromWire = (store: StoreWire): StoreChoice =>
  store._tag === "postgres" ? { _tag: "postgres", url: Redacted.make(store.url) } : store
