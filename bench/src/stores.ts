/**
 * `--store memory|sqlite` of `detect`, `deliver` and `e2e`: the store under
 * Weft. SQLite is `StoreSqlite.layer` on a file in a fresh temp folder, which
 * `close` removes.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Store } from "@weft/core/store"
import { StoreMemory } from "@weft/store-memory"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import * as Layer from "effect/Layer"
import { choice } from "./harness.js"

export type StoreName = "memory" | "sqlite"

export const storeOption = (args: ReadonlyArray<string>): StoreName => choice(args, "--store", ["memory", "sqlite"])

export interface BenchStore {
  readonly name: StoreName
  /** A new, empty store each time it is built (SQLite: a new file in the temp folder). */
  readonly layer: () => Layer.Layer<Store.Store, unknown>
  /** Removes the temp folder (SQLite). */
  readonly close: () => void
}

export const benchStore = (name: StoreName): BenchStore => {
  if (name === "memory") return { name, layer: () => StoreMemory.layer, close: () => {} }
  const dir = mkdtempSync(join(tmpdir(), "weft-bench-"))
  let files = 0
  return {
    name,
    layer: () => Layer.orDie(StoreSqlite.layer({ filename: join(dir, `weft-${++files}.db`) })),
    close: () => rmSync(dir, { recursive: true, force: true })
  }
}
