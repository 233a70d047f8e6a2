import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { Store } from "@weft/core/store"
import { StoreSql } from "@weft/store-sql"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { adminUrl, freshPgUrl, sqliteFile, tempDir } from "./layers.js"

/** The error a layer fails to start with. */
const startError = <A, E>(layer: Layer.Layer<A, E>) =>
  Effect.map(Effect.either(Effect.scoped(Layer.build(layer))), (result) =>
    Either.isLeft(result) ? result.left : expect.fail("the layer started"))

describe("StoreSql start-up errors", () => {
  it.live("an unreachable Postgres names user, host, port and database, never the password, and what to check", () =>
    Effect.gen(function*() {
      const error = yield* startError(StorePostgres.layer({ url: "postgres://weft:hunter2-secret@127.0.0.1:1/weftdb" }))
      expect(error._tag).toBe("StoreSqlError")
      expect(error.reason).toBe("unreachable")
      expect(error.message).toContain("weft@127.0.0.1:1/weftdb")
      expect(error.message).toContain("Check that the server is running")
      expect(error.message).not.toContain("hunter2")
      expect(JSON.stringify(error)).not.toContain("hunter2")
    }))

  it.live("a wrong password is refused without showing the password given", () =>
    Effect.gen(function*() {
      const url = new URL(adminUrl())
      url.password = "not-the-password-xyz"
      const error = yield* startError(StorePostgres.layer({ url: url.toString() }))
      expect(error.reason).toBe("unreachable")
      expect(error.message).toContain("password authentication failed")
      expect(error.message).not.toContain("not-the-password-xyz")
    }))

  it.live("a SQLite path that is a folder, or in a folder that cannot be created, says which file and what to check", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const folder = yield* startError(StoreSqlite.layer({ filename: dir }))
      expect(folder.reason).toBe("unreachable")
      expect(folder.message).toContain(dir)
      const blocker = Path.join(dir, "a-file")
      Fs.writeFileSync(blocker, "not a folder")
      const nested = yield* startError(StoreSqlite.layer({ filename: Path.join(blocker, "weft.db") }))
      expect(nested.reason).toBe("unreachable")
      expect(nested.message).toContain("folder could not be created")
      const garbage = Path.join(dir, "garbage.db")
      Fs.writeFileSync(garbage, "this is not a SQLite database ".repeat(100))
      expect((yield* startError(StoreSqlite.layer({ filename: garbage }))).message).toContain("not a database")
    }))

  it.live("the SQLite layer creates the database's folder", () =>
    Effect.gen(function*() {
      const filename = Path.join(tempDir(), "nested", "deeper", "weft.db")
      yield* Effect.flatMap(Store.Store, (store) => store.runs.list()).pipe(Effect.provide(StoreSqlite.layer({ filename })))
      expect(Fs.existsSync(filename)).toBe(true)
    }))

  it.live("layerConfig reads WEFT_STORE: sqlite and postgres URLs; anything else fails clearly without a password", () =>
    Effect.gen(function*() {
      const withEnv = (value: string | undefined) =>
        Layer.setConfigProvider(ConfigProvider.fromMap(new Map(value === undefined ? [] : [["WEFT_STORE", value]])))
      const sqlite = StoreSql.layerConfig().pipe(Layer.provide(withEnv(`sqlite:${sqliteFile()}`)))
      expect(yield* Effect.flatMap(Store.Store, (s) => s.runs.list()).pipe(Effect.provide(sqlite))).toEqual([])
      yield* Effect.scoped(Effect.gen(function*() {
        const pg = StoreSql.layerConfig().pipe(Layer.provide(withEnv(yield* freshPgUrl)))
        expect(yield* Effect.flatMap(Store.Store, (s) => s.runs.list()).pipe(Effect.provide(pg))).toEqual([])
      }))

      const mysql = yield* startError(StoreSql.layerConfig().pipe(Layer.provide(withEnv("mysql://root:sw0rdfish@db/weft"))))
      expect(mysql.reason).toBe("config")
      expect(mysql.message).toContain("scheme \"mysql:\"")
      expect(mysql.message).not.toContain("sw0rdfish")
      expect((yield* startError(StoreSql.layerConfig().pipe(Layer.provide(withEnv("memory"))))).message).toContain("@weft/store-memory")
      expect((yield* startError(StoreSql.layerConfig().pipe(Layer.provide(withEnv(undefined))))).message).toContain("WEFT_STORE")
    }))
})
