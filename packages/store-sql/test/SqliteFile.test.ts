import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Store } from "@weft/core/store"
import { StoreSuite } from "@weft/testing/conformance"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { sqliteFile } from "./layers.js"

const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url))
const worker = fileURLToPath(new URL("./fixtures/sqliteWorker.ts", import.meta.url))

/** Runs the worker in a real child process; resolves with its exit code and output. */
const runWorker = (file: string, mode: "start" | "drain") =>
  Effect.async<{ code: number | null; stdout: string; stderr: string }>((resume) => {
    const child = spawn(tsx, ["--conditions=@weft/source", worker, file, mode], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
    return Effect.sync(() => child.kill("SIGKILL"))
  })

const KEYS = 40
const PER_KEY = 5

describe("StoreSql on one SQLite file shared by two processes", () => {
  it.live("two processes start at once on a fresh file, then drain one outbox: every entry claimed once, keys in order", () =>
    Effect.gen(function*() {
      const file = sqliteFile()
      const started = yield* Effect.all([runWorker(file, "start"), runWorker(file, "start")], { concurrency: "unbounded" })
      for (const ran of started) expect(ran, ran.stderr).toMatchObject({ code: 0 })
      expect(Fs.existsSync(file)).toBe(true)

      const order = new Map<string, number>()
      yield* Effect.gen(function*() {
        const store = yield* Store.Store
        yield* store.runs.create(StoreSuite.makeRun())
        for (let i = 0; i < PER_KEY; i++) {
          const events = Array.from({ length: KEYS }, (_, k) => StoreSuite.makeEntry({ recordId: `k${k}` }))
          for (const e of events) order.set(e.id, i)
          yield* store.commit(StoreSuite.makeCommit({ events }))
        }
      }).pipe(Effect.provide(StoreSqlite.layer({ filename: file })))

      const drained = yield* Effect.all([runWorker(file, "drain"), runWorker(file, "drain")], { concurrency: "unbounded" })
      for (const ran of drained) expect(ran, ran.stderr).toMatchObject({ code: 0 })
      const lists = drained.map((ran) => JSON.parse(ran.stdout.trim()) as Array<string>)
      const all = lists.flat()
      expect(new Set(all).size).toBe(all.length)
      expect(all.length).toBe(KEYS * PER_KEY)

      yield* Effect.gen(function*() {
        const store = yield* Store.Store
        expect(Option.getOrThrow(yield* store.runs.get("run_test")).delivery).toMatchObject({ recordEvents: KEYS * PER_KEY, acked: KEYS * PER_KEY })
        expect(yield* store.outbox.pendingCount("dst_test")).toBe(0)
      }).pipe(Effect.provide(StoreSqlite.layer({ filename: file })))
    }), 180_000)
})
