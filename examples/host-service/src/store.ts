import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { Vault, type WeftClient } from "@weft/core"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { StoreMemory } from "@weft/store-memory"

/**
 * Where the service keeps Weft's state, from the `--store` flag, with the
 * Vault key that goes with it. Like the rest of the service, no Effect code:
 * the store and vault are ready-made layer values of the Weft packages.
 *
 * - `sqlite:<file>` (default `sqlite:.weft/host-service.db`): the Vault key
 *   is kept beside the file (`.weft/host-service.key`, mode 0600, made on
 *   first use);
 * - `postgres://user:password@host:port/database` (or `postgres:<url>`): the
 *   key in `.weft/postgres.key`;
 * - `memory`: nothing survives the process, a fresh key per start.
 *
 * `WEFT_VAULT_KEYS` (`id:base64key`, current key first), when set, is used
 * instead of any key file.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_STORE = "sqlite:.weft/host-service.db"

type Options = WeftClient.WeftClientOptions<unknown, unknown, unknown, unknown>

/**
 * A store and its Vault key, ready for `WeftClient.make`.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoreSetup {
  readonly store: Options["store"]
  readonly vault: Options["vault"]
  /** Where, for the log: a file, a URL without its password, or "in memory". */
  readonly label: string
  /** Where the key came from, for the log. */
  readonly key: string
}

/**
 * A `--store` value the service cannot use; the message names the flag and
 * never quotes a password.
 *
 * @since 0.1.0
 * @category errors
 */
export class StoreFlagError extends Error {
  override readonly name = "StoreFlagError"
}

const USAGE = "give sqlite:<file> (default sqlite:.weft/host-service.db), postgres://user:password@host:port/database or memory"

const postgresLabel = (url: URL) =>
  `postgres://${url.username === "" ? "" : `${decodeURIComponent(url.username)}@`}${url.hostname}:${url.port || "5432"}${url.pathname}`

// 32 random bytes in base64: what a Vault key is.
const newKeyLine = () => `host-service:${randomBytes(32).toString("base64")}`

/** The key in `file`, made (mode 0600) if missing. */
const keyFromFile = (file: string): Vault.VaultKeys => {
  Fs.mkdirSync(Path.dirname(file), { recursive: true })
  try {
    Fs.writeFileSync(file, `${newKeyLine()}\n`, { mode: 0o600, flag: "wx" })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
  }
  const line = Fs.readFileSync(file, "utf8").trim()
  const sep = line.indexOf(":")
  if (sep <= 0) throw new StoreFlagError(`The Vault key file ${file} is not of the form id:base64key; delete it to make a new one.`)
  return { current: { id: line.slice(0, sep), key: line.slice(sep + 1) } }
}

/**
 * Reads the `--store` value; relative paths are taken from `cwd`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromFlag = (value: string, cwd: string = process.cwd()): StoreSetup => {
  const text = value.trim()
  const fromEnv = (process.env["WEFT_VAULT_KEYS"] ?? "").trim() !== ""
  const vault = (file: string | undefined): Pick<StoreSetup, "vault" | "key"> =>
    fromEnv
      ? { vault: Vault.layerConfig("WEFT_VAULT_KEYS"), key: "Vault key from WEFT_VAULT_KEYS" }
      : file === undefined
      ? { vault: { current: { id: "host-service", key: Vault.generateKey() } }, key: "Vault key made for this process" }
      : { vault: keyFromFile(file), key: `Vault key ${Path.relative(cwd, file) || file}` }
  if (text === "memory") return { store: StoreMemory.layer, label: "in memory (nothing survives a restart)", ...vault(undefined) }
  if (text.startsWith("sqlite:")) {
    const filename = Path.resolve(cwd, text.replace(/^sqlite:(\/\/)?/, ""))
    if (text.replace(/^sqlite:(\/\/)?/, "") === "") throw new StoreFlagError(`--store: "sqlite:" names no file; ${USAGE}.`)
    const parsed = Path.parse(filename)
    return {
      store: StoreSqlite.layer({ filename }),
      label: `SQLite ${Path.relative(cwd, filename) || filename}`,
      ...vault(Path.join(parsed.dir, `${parsed.name}.key`))
    }
  }
  const url = text.replace(/^postgres:(?=postgres(ql)?:\/\/)/, "")
  if (/^postgres(ql)?:\/\//.test(url)) {
    if (!URL.canParse(url) || new URL(url).hostname === "") {
      throw new StoreFlagError(`--store: the PostgreSQL URL could not be read (it is not shown: it may hold a password); ${USAGE}.`)
    }
    return {
      store: StorePostgres.layer({ url }),
      label: `PostgreSQL ${postgresLabel(new URL(url))}`,
      ...vault(Path.resolve(cwd, ".weft", "postgres.key"))
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]
  throw new StoreFlagError(`--store: ${USAGE}; got ${scheme === undefined ? "something else" : `the scheme "${scheme}:"`}.`)
}
