import { spawnSync } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import pg from "pg"
import { afterAll, inject } from "vitest"
import { TestPostgres } from "../src/postgres/index.js"

const adminUrl = inject("weftPostgresAdminUrl")

/** Runs `f` with a plain connection to `url`, closed afterwards. */
const withClient = async <A>(url: string, f: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await f(client)
  } finally {
    await client.end()
  }
}

const databaseExists = (name: string) =>
  withClient(adminUrl, async (client) => (await client.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1)

const passwordOf = (url: string) => decodeURIComponent(new URL(url).password)

describe("TestPostgres", () => {
  it("gives each caller a database of its own", async () => {
    const a = await TestPostgres.freshDatabase(adminUrl)
    const b = await TestPostgres.freshDatabase(adminUrl)
    afterAll(async () => {
      await a.drop()
      await b.drop()
    })
    expect(a.name).toMatch(/^weft_t_[0-9a-f]{16}$/)
    expect(a.name).not.toBe(b.name)

    await withClient(a.url, (client) => client.query("create table only_in_a (id int primary key)"))
    const seen = (url: string) =>
      withClient(url, async (client) => (await client.query<{ t: string | null }>("select to_regclass('public.only_in_a')::text as t")).rows[0]!.t)
    expect(await seen(a.url)).toBe("only_in_a")
    expect(await seen(b.url)).toBeNull()
    expect(await withClient(a.url, async (client) => (await client.query<{ db: string }>("select current_database() as db")).rows[0]!.db)).toBe(a.name)

    // dropping closes connections left open, and is safe twice
    const idle = new pg.Client({ connectionString: a.url })
    idle.on("error", () => undefined)
    await idle.connect()
    await a.drop()
    await a.drop()
    expect(await databaseExists(a.name)).toBe(false)
    expect(await databaseExists(b.name)).toBe(true)
    await idle.end().catch(() => undefined)
  })

  it.scoped("connects the Effect client to a scoped database and drops it with the scope", () =>
    Effect.gen(function*() {
      let name = ""
      const rows = yield* Effect.gen(function*() {
        const db = yield* TestPostgres.freshDatabaseScoped(adminUrl)
        name = db.name
        const PgLive = PgClient.layer({ url: Redacted.make(Redacted.value(db.url)) })
        return yield* Effect.gen(function*() {
          const sql = yield* PgClient.PgClient
          yield* sql`create table items (id int primary key, label text not null)`
          yield* sql`insert into items ${sql.insert([{ id: 1, label: "one" }, { id: 2, label: "two" }])}`
          return yield* sql<{ label: string; db: string }>`select label, current_database() as db from items order by id`
        }).pipe(Effect.provide(Layer.fresh(PgLive)))
      }).pipe(Effect.scoped)
      expect(rows).toEqual([{ label: "one", db: name }, { label: "two", db: name }])
      expect(yield* Effect.promise(() => databaseExists(name))).toBe(false)
    }))

  it("never shows a password in its errors", async () => {
    const wrong = new URL(adminUrl)
    wrong.password = "Wr0ng-pa55word-zq"
    const realPassword = passwordOf(adminUrl)
    const error = await TestPostgres.freshDatabase(wrong.toString()).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(TestPostgres.TestPostgresError)
    const message = (error as TestPostgres.TestPostgresError).message
    expect(message).toContain("***")
    expect(message).not.toContain("Wr0ng-pa55word-zq")
    expect(realPassword).not.toBe("")
    expect(message).not.toContain(realPassword)
    expect(JSON.stringify(error)).not.toContain("Wr0ng-pa55word-zq")

    // nothing listens on port 1
    const unreachable = "postgres://someone:s3cr%3Et-zq@127.0.0.1:1/postgres"
    const exit = await Effect.runPromiseExit(TestPostgres.freshDatabaseScoped(unreachable).pipe(Effect.scoped))
    expect(Exit.isFailure(exit)).toBe(true)
    const text = JSON.stringify(exit)
    expect(text).toContain("***")
    expect(text).not.toContain("s3cr")
  })
})

describe("TestPostgres.start", () => {
  it("starts a server of its own, sweeps folders of killed runs and removes its own when stopped", async () => {
    // a folder left by a run that was killed: its owner is gone
    const dead = spawnSync(process.execPath, ["-e", ""]).pid
    const stale = await Fs.mkdtemp(Path.join(Os.tmpdir(), "weft-pg-"))
    await Fs.mkdir(Path.join(stale, "data"))
    await Fs.writeFile(Path.join(stale, "data", "postmaster.pid"), "1\n")
    await Fs.writeFile(Path.join(stale, "owner.pid"), String(dead))

    const server = await TestPostgres.start({ embedded: true })
    try {
      expect(server.source).toBe("embedded")
      expect(server.adminUrl).not.toBe(adminUrl)
      const dir = server.dir!
      expect(await Fs.stat(dir).then(() => true)).toBe(true)
      await expect(Fs.stat(stale)).rejects.toThrow()
      const db = await TestPostgres.freshDatabase(server.adminUrl)
      expect(await withClient(db.url, async (client) => (await client.query<{ n: number }>("select 41 + 1 as n")).rows[0]!.n)).toBe(42)
      await db.drop()
      await TestPostgres.stop(server)
      await server.stop()
      await expect(Fs.stat(dir)).rejects.toThrow()
      await expect(withClient(server.adminUrl, (client) => client.query("select 1"))).rejects.toThrow()
    } finally {
      await server.stop()
    }
  })

  it("leaves a process's exit code alone: a test runner that failed still exits non-zero", async () => {
    // The library registers exit hooks on load; one of them would end the process with code 0.
    const script = [
      `import { TestPostgres } from ${JSON.stringify(Path.resolve(import.meta.dirname, "../src/postgres/index.ts"))}`,
      "const server = await TestPostgres.start({ embedded: true })",
      "await server.stop()",
      "process.exitCode = 3"
    ].join("\n")
    const child = spawnSync(process.execPath, ["--conditions=@weft/source", "--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 110_000
    })
    expect(child.stderr).toBe("")
    expect(child.status).toBe(3)
  })

  it("says why a server could not start and what to do, without its password", async () => {
    const error = await TestPostgres.start({ embedded: true, settings: { no_such_setting_zq: "1" } }).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(TestPostgres.TestPostgresError)
    const message = (error as TestPostgres.TestPostgresError).message
    expect(message).toContain("Could not start the embedded PostgreSQL server")
    expect(message).toContain("no_such_setting_zq")
    expect(message).toContain("WEFT_TEST_DATABASE_URL")
    const folder = /folder (\S+)\)/.exec(message)?.[1]
    expect(folder).toBeDefined()
    await expect(Fs.stat(folder!)).rejects.toThrow()
  })
})
