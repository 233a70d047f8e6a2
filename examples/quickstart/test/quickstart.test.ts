import { spawn as spawnChild } from "node:child_process"
import * as Fs from "node:fs"
import { createServer } from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Secret } from "@weft/sink-webhook"
import { WebhookReceiver } from "@weft/testing"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Webhook } from "standardwebhooks"
import { main } from "../src/cli.js"
import type { RunReport, Summary } from "../src/report.js"

/**
 * The quickstart end to end: as a user runs it (`npm run demo -- --json`, a
 * child process), in-process through `main` with captured output, and
 * against a receiver of the test's own.
 */

const root = fileURLToPath(new URL("../../..", import.meta.url))
const example = fileURLToPath(new URL("..", import.meta.url))
const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url))

/**
 * Bounds of the demo's runs, in processes or in this one: safety nets
 * against a hang, far above what a busy machine needs. The tests assert what
 * the demo did, never how fast.
 */
const CHILD_TIMEOUT_MS = 600_000
const TEST_TIMEOUT_MS = 900_000

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

// As from a fresh shell: none of the npm_* variables an `npm test` or `npx` parent would pass down.
const freshEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")))

/**
 * Runs a command to its end. It gets a process group of its own, so a timeout
 * (or the test's end) stops everything it started: killing `npm` alone would
 * leave the demo it runs behind.
 */
const spawn = (command: string, args: ReadonlyArray<string>, cwd: string): Effect.Effect<Ran> =>
  Effect.async<Ran>((resume) => {
    const child = spawnChild(command, [...args], { cwd, env: freshEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] })
    const stdout: Array<Buffer> = []
    const stderr: Array<Buffer> = []
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk))
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
      } catch {
        // already gone
      }
    }
    // The child's own bound: a safety net against a hang, far above what a busy machine needs.
    const timer = setTimeout(killGroup, CHILD_TIMEOUT_MS)
    child.on("close", (code) => {
      clearTimeout(timer)
      resume(Effect.succeed({ code: code ?? -1, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }))
    })
    return Effect.sync(() => {
      clearTimeout(timer)
      killGroup()
    })
  })

/** `main` in this process, with standard output and error captured line by line. */
const runInProcess = (args: ReadonlyArray<string>, colors?: { readonly stdout: boolean; readonly stderr: boolean }) =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const base = yield* Effect.console
    const captured: Console.Console = {
      ...base,
      log: (...parts) => Effect.sync(() => void stdout.push(parts.join(" "))),
      error: (...parts) => Effect.sync(() => void stderr.push(parts.join(" ")))
    }
    const code = yield* main(args, { colors }).pipe(Effect.withConsole(captured), Effect.provide(NodeContext.layer))
    return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") }
  })

const jsonLines = (stdout: string): ReadonlyArray<unknown> =>
  stdout.split("\n").filter((line) => line.trim() !== "").map((line) => {
    try {
      return JSON.parse(line) as unknown
    } catch {
      throw new Error(`not a JSON line: ${line.slice(0, 200)}`)
    }
  })

/** A 127.0.0.1 port nothing listens on: bound by the system, then released. */
const closedPort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

const ESC = String.fromCharCode(27)

/** A fresh folder for a test's store, removed when the test ends. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "weft-quickstart-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const isRun = (o: unknown): o is RunReport => typeof o === "object" && o !== null && (o as { kind?: unknown }).kind === "run"

/** Every run report agrees with the mutations before it and was fully delivered. */
const expectRunsMatch = (runs: ReadonlyArray<RunReport>, deltaRounds: number) => {
  expect(runs.map((r) => r.round)).toEqual(Array.from({ length: deltaRounds + 1 }, (_, i) => i))
  for (const run of runs) {
    expect(run.audit.status).toBe("succeeded")
    expect(run.matches).toBe(true)
    expect(run.actual).toEqual(run.expected)
    expect(run.events.delivered).toBe(run.events.total)
    expect(run.events.emitted["sync.events.allConsumed"]).toBe(1)
    if (run.round === 0) {
      expect(run.audit.type).toBe("initial")
      expect(run.mutations).toBeNull()
      expect(run.actual.new).toBeGreaterThan(0)
      continue
    }
    expect(run.audit.type).toBe("delta")
    const m = run.mutations!
    expect(m.hires.length).toBeGreaterThan(0)
    expect(run.actual).toEqual({
      new: m.hires.length,
      changed: m.titleChanges.length,
      deleted: m.terminations.length + m.deletions.length
    })
    expect(run.events.emitted["record.new"]).toBe(m.hires.length)
    expect(run.events.emitted["record.changed"]).toBe(m.titleChanges.length)
    expect(run.events.emitted["record.deleted"]).toBe(m.terminations.length + m.deletions.length)
  }
}

describe("npm run demo", () => {
  it.live("npm run demo -- --json, as typed: every line of standard output is JSON (run audits that match the mutations, then a summary with every event delivered and verified)", () =>
    Effect.gen(function*() {
      // No --silent: npm's own banner must not land on standard output, or `| jq` fails.
      const dir = yield* tempDir
      const ran = yield* spawn("npm", ["run", "demo", "--", "--employees", "200", "--delta-rounds", "1", "--json", "--store", `sqlite:${dir}/demo.db`], root)
      expect(ran.stderr).not.toContain("Demo failed")
      expect(ran.code).toBe(0)
      const lines = jsonLines(ran.stdout)
      const summary = lines.at(-1) as Summary
      expect(summary.kind).toBe("summary")
      const runs = lines.slice(0, -1)
      expect(runs.every(isRun)).toBe(true)
      expectRunsMatch(runs as ReadonlyArray<RunReport>, 1)

      expect(summary.ok).toBe(true)
      expect(summary.runs).toBe(2)
      expect(summary.refusedConnect?.code).toBe("invalid_credentials")
      expect(summary.signatureFailures).toBe(0)
      expect(summary.mismatches).toBe(0)
      expect(summary.eventsDelivered).toBe(summary.eventsEmitted.total)
      // Every delivery reached the local receiver and verified (retries would only add to it).
      expect(summary.deliveriesVerified).toBeGreaterThanOrEqual(summary.eventsDelivered)
      expect(summary.eventsEmitted["sync.events.allConsumed"]).toBe(2)
      expect(summary.orderViolations).toBe(0)
      for (const run of runs as ReadonlyArray<RunReport>) expect(run.received?.ok).toBe(true)
    }).pipe(Effect.scoped), TEST_TIMEOUT_MS)

  it.live("--store sqlite:<file>: a second demo on the same file disconnects the first one's integration and passes its checks again; the Vault key is kept beside the file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const flags = ["--employees", "60", "--delta-rounds", "1", "--json", "--store", `sqlite:${dir}/demo.db`]
      const first = yield* runInProcess(flags)
      expect(first.stderr).toBe("")
      expect(first.code).toBe(0)
      const key = Path.join(dir, "demo.key")
      expect(Fs.statSync(key).mode & 0o777).toBe(0o600)
      const keyText = Fs.readFileSync(key, "utf8")

      const second = yield* runInProcess(flags)
      expect(second.stderr).toBe("")
      expect(second.code).toBe(0)
      const lines = jsonLines(second.stdout)
      const summary = lines.at(-1) as Summary
      expectRunsMatch(lines.slice(0, -1) as ReadonlyArray<RunReport>, 1)
      expect(summary).toMatchObject({ ok: true, mismatches: 0, orderViolations: 0, store: `SQLite ${dir}/demo.db` })
      // The first demo's integration (2 runs) was put aside; its runs stay in the store.
      expect(summary.reset).toEqual({ integrations: 1, runs: 2, destinations: 1 })
      expect(summary.eventsDelivered).toBe(summary.eventsEmitted.total)
      expect(Fs.readFileSync(key, "utf8")).toBe(keyText)
      // The key is never printed.
      expect(first.stdout + second.stdout).not.toContain(keyText.trim().split(":")[1]!)
    }).pipe(Effect.scoped), TEST_TIMEOUT_MS)

  it.live("--crash on SQLite: Weft's process is killed mid-delivery and started again; every change arrives, the counts agree, per-record order holds", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const ran = yield* runInProcess(["--employees", "200", "--delta-rounds", "1", "--json", "--crash", "--store", `sqlite:${dir}/demo.db`])
      expect(ran.stderr).toBe("")
      expect(ran.code).toBe(0)
      const lines = jsonLines(ran.stdout)
      const summary = lines.at(-1) as Summary
      const runs = lines.slice(0, -1) as ReadonlyArray<RunReport>
      expect(summary).toMatchObject({ ok: true, mismatches: 0, orderViolations: 0, signatureFailures: 0 })
      const crash = summary.crash!
      expect(crash.killed).toBe(true)
      expect(crash.receivedAtKill).toBeGreaterThan(0)
      expect(crash.restartedAfterMs).toBeGreaterThanOrEqual(0)
      // The delivery the kill interrupted was never acknowledged: it came again.
      expect(crash.redelivered).toBeGreaterThanOrEqual(1)
      expect(summary.eventsRedelivered).toBe(crash.redelivered)

      // Round 0 is the killed run, and the run that finished it when recovery closed the killed one.
      const round0 = runs.filter((r) => r.round === 0)
      expect(round0[0]!.crash).toBe("killed")
      if (crash.closedByRecovery) {
        expect(round0).toHaveLength(2)
        expect(round0[0]!.audit.status).toBe("failed")
        expect(round0[1]).toMatchObject({ crash: "after-restart", matches: true, audit: { status: "succeeded" } })
        expect(crash.continuedBy).toBe(round0[1]!.audit.id)
      } else {
        expect(round0).toHaveLength(1)
        expect(round0[0]!.audit.status).toBe("succeeded")
      }
      // Together they emitted one record.new per active employee, each received.
      expect(round0.at(-1)!.roundReceived).toMatchObject({ ok: true, missing: [], unexpected: [] })
      const active = round0.reduce((sum, r) => sum + r.actual.new, 0)
      expect(active).toBe(round0.at(-1)!.roundReceived!.expected)
      for (const run of runs) {
        // Each run's allEmitted and allConsumed agree with the record events received (a redelivery counts once).
        expect(run.received?.ok).toBe(true)
        expect(run.events.delivered).toBe(run.events.total)
      }
      const deltas = runs.filter((r) => r.round > 0)
      expect(deltas.map((r) => r.round)).toEqual([1])
      for (const delta of deltas) {
        expect(delta).toMatchObject({ matches: true, audit: { type: "delta", status: "succeeded" } })
        expect(delta.roundReceived?.ok).toBe(true)
      }
    }).pipe(Effect.scoped), TEST_TIMEOUT_MS)

  it.live("--crash with --webhook-url: killed after Weft reports a delivery, started again; the audits, the outbox and the user's receiver agree", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const secret = Secret.generate()
      const receiver = yield* WebhookReceiver.make({ secrets: [secret] })
      const ran = yield* runInProcess([
        "--employees", "200",
        "--delta-rounds", "1",
        "--json",
        "--crash",
        "--store", `sqlite:${dir}/demo.db`,
        "--webhook-url", `${receiver.url}/hooks/weft`,
        "--webhook-secret", Redacted.value(secret),
        "--allow-host", "127.0.0.1"
      ])
      expect(ran.stderr).toBe("")
      expect(ran.code).toBe(0)
      const lines = jsonLines(ran.stdout)
      const summary = lines.at(-1) as Summary
      expect(summary).toMatchObject({ ok: true, mismatches: 0, webhook: "external", eventsRedelivered: null })
      expect(summary.crash).toMatchObject({ killed: true, receivedAtKill: null, redelivered: null })
      expect(summary.crash!.ackedAtKill).toBeGreaterThan(0)
      expect(summary.eventsDelivered).toBe(summary.eventsEmitted.total)
      // Every event Weft counts as delivered reached the receiver at least once.
      expect(new Set(receiver.events().map((e) => e.id)).size).toBe(summary.eventsDelivered)
    }).pipe(Effect.scoped), TEST_TIMEOUT_MS)

  it.live("a bad flag value exits non-zero with a message naming the flag", () =>
    Effect.gen(function*() {
      const ran = yield* spawn(tsx, ["--conditions=@weft/source", "src/main.ts", "--employees", "-5"], example)
      expect(ran.code).not.toBe(0)
      expect(ran.stdout).toBe("")
      expect(ran.stderr).toContain("--employees: must be from 10 to 1000000, got -5")
    }), TEST_TIMEOUT_MS)

  it.live("unusable flag combinations and values are refused before anything starts", () =>
    Effect.gen(function*() {
      const noSecret = yield* runInProcess(["--webhook-url", "https://hooks.example.com/weft"])
      expect(noSecret.code).toBe(2)
      expect(noSecret.stderr).toContain("--webhook-url: needs --webhook-secret")
      expect(noSecret.stdout).toBe("")

      const badSecret = yield* runInProcess(["--webhook-url", "https://hooks.example.com/weft", "--webhook-secret", "hunter2hunter2"])
      expect(badSecret.code).toBe(2)
      expect(badSecret.stderr).toContain("--webhook-secret: it must start with \"whsec_\"")
      expect(badSecret.stderr).not.toContain("hunter2hunter2")

      const notANumber = yield* runInProcess(["--delta-rounds", "two"])
      expect(notANumber.code).toBe(2)
      expect(notANumber.stderr).toContain("--delta-rounds: \"two\" is not a whole number")

      const badStore = yield* runInProcess(["--store", "mysql://root:hunter2@db.internal/weft"])
      expect(badStore.code).toBe(2)
      expect(badStore.stderr).toContain("--store: give memory, sqlite:<file>")
      expect(badStore.stderr).toContain("\"mysql:\"")
      expect(badStore.stderr).not.toContain("hunter2")
      expect(badStore.stdout).toBe("")

      const badPostgres = yield* runInProcess(["--store", "postgres://weft:hunter2@"])
      expect(badPostgres.code).toBe(2)
      expect(badPostgres.stderr).toContain("--store: the PostgreSQL URL could not be read")
      expect(badPostgres.stderr).not.toContain("hunter2")

      const crashInMemory = yield* runInProcess(["--crash", "--store", "memory"])
      expect(crashInMemory.code).toBe(2)
      expect(crashInMemory.stderr).toContain("--crash: needs a store that outlives the process")
      expect(crashInMemory.stdout).toBe("")

      const help = yield* runInProcess(["--help"])
      expect(help.code).toBe(0)
      expect(help.stdout).toContain("--webhook-secret")
      expect(help.stdout).toContain("--store STORE")
      expect(help.stdout).toContain("--crash")
    }))

  it.live("the human display shows the refused connect, each run's audit table and a passing summary", () =>
    Effect.gen(function*() {
      const ran = yield* runInProcess(["--employees", "60", "--delta-rounds", "1", "--store", "memory"])
      expect(ran.stderr).toBe("")
      expect(ran.stdout).toContain("Weft             in-memory store · Vault key made for this run")
      expect(ran.code).toBe(0)
      expect(ran.stdout).toContain("code:       invalid_credentials")
      expect(ran.stdout).toMatch(/resolution: .*API Keys/)
      expect(ran.stdout).toMatch(/model\s+status\s+processed\s+new\s+changed\s+deleted\s+invalid/)
      expect(ran.stdout).toMatch(/Delta round 1: in BambooHR, 1 hire, 1 title change, 1 termination, 1 deletion/)
      expect(ran.stdout).toContain("check:    new 1 = 1 hire ✓ · changed 1 = 1 title change ✓ · deleted 2 = 1 termination + 1 deletion ✓")
      expect(ran.stdout).toContain("Done ✓")
      expect(ran.stdout).toContain("0 signature failures")
    }), TEST_TIMEOUT_MS)

  it.live("--webhook-url: every delivery to the user's receiver verifies with the standardwebhooks package", () =>
    Effect.gen(function*() {
      const secret = Secret.generate()
      const receiver = yield* WebhookReceiver.make({ secrets: [secret] })
      const ran = yield* runInProcess([
        "--employees", "200",
        "--delta-rounds", "1",
        "--json",
        "--webhook-url", `${receiver.url}/hooks/weft`,
        "--webhook-secret", Redacted.value(secret),
        "--allow-host", "127.0.0.1",
        "--store", "memory"
      ])
      expect(ran.stderr).toBe("")
      expect(ran.code).toBe(0)
      // The secret is never printed.
      expect(ran.stdout).not.toContain(Redacted.value(secret))

      const lines = jsonLines(ran.stdout)
      const summary = lines.at(-1) as Summary
      expectRunsMatch(lines.slice(0, -1) as ReadonlyArray<RunReport>, 1)
      expect(summary).toMatchObject({ kind: "summary", ok: true, webhook: "external", signatureFailures: null, mismatches: 0 })

      const requests = receiver.requests()
      expect(requests.length).toBeGreaterThanOrEqual(summary.eventsDelivered)
      const webhook = new Webhook(Redacted.value(secret))
      for (const request of requests) {
        const headers = {
          "webhook-id": request.headers["webhook-id"] ?? "",
          "webhook-timestamp": request.headers["webhook-timestamp"] ?? "",
          "webhook-signature": request.headers["webhook-signature"] ?? ""
        }
        expect(() => webhook.verify(request.body, headers)).not.toThrow()
      }
      // Each event the summary counts as delivered reached the receiver once at least.
      expect(receiver.events().length).toBe(summary.eventsDelivered)
      expect(receiver.events().filter((e) => e.type === "sync.events.allConsumed")).toHaveLength(2)
    }).pipe(Effect.scoped), TEST_TIMEOUT_MS)

  it.live("--help on a pipe: integer flags say so, optional flags are bracketed, no generic text lines and no ANSI escapes", () =>
    Effect.gen(function*() {
      const ran = yield* spawn(tsx, ["--conditions=@weft/source", "src/main.ts", "--help"], example)
      expect(ran.code).toBe(0)
      expect(ran.stdout).not.toContain(ESC)
      expect(ran.stdout).not.toContain("user-defined piece of text")
      expect(ran.stdout).toContain("[--allow-host HOST...]")
      for (const flag of ["--employees N", "--delta-rounds N", "--seed N", "--timeout N"]) {
        expect(ran.stdout).toMatch(new RegExp(`${flag}\\n\\n  An integer\\.\\n\\n  [A-Z][^\\n]+ Default \\d+\\.`))
      }
      // The escapes come from @effect/cli: a terminal still gets them.
      const colored = yield* runInProcess(["--help"], { stdout: true, stderr: true })
      expect(colored.stdout).toContain(ESC)
      const piped = yield* runInProcess(["--help"], { stdout: false, stderr: false })
      expect(piped.stdout).not.toContain(ESC)
      const badFlag = yield* runInProcess(["--bogus"], { stdout: false, stderr: false })
      expect(badFlag.code).toBe(2)
      expect(badFlag.stderr).toContain("Received unknown argument: '--bogus'")
      expect(badFlag.stderr).not.toContain(ESC)
    }), TEST_TIMEOUT_MS)

  it.live("a receiver that refuses every delivery: exit 1, and standard output ends with a summary of what was emitted, delivered and left pending, and why", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const flags = [
        "--employees", "20",
        "--delta-rounds", "0",
        "--webhook-url", `http://127.0.0.1:${port}/hooks/weft`,
        "--webhook-secret", Redacted.value(Secret.generate()),
        "--allow-host", "127.0.0.1",
        "--store", "memory",
        // Long enough for a busy machine, short of the standard schedule's second retry (5 min − 20 %).
        "--timeout", "200"
      ]
      // Through npm, as typed: a failing demo's standard output is still its own JSON lines alone.
      // The human display runs in this process meanwhile: each waits out the receiver's refusals.
      const [ran, human] = yield* Effect.all([
        spawn("npm", ["run", "demo", "--", ...flags, "--json"], root),
        runInProcess(flags)
      ], { concurrency: 2 })
      expect(ran.code).toBe(1)
      const lines = jsonLines(ran.stdout)
      const [run, summary] = lines as [RunReport, Summary]
      expect(lines).toHaveLength(2)
      expect(run).toMatchObject({ kind: "run", round: 0, deliveryComplete: false, audit: { status: "succeeded" } })
      expect(run.events.delivered).toBe(0)
      expect(run.events.pending).toBe(run.events.total)
      expect(summary).toMatchObject({ kind: "summary", ok: false, runs: 1, runsSucceeded: 1, runsDelivered: 0, eventsDelivered: 0 })
      expect(summary.eventsEmitted.total).toBeGreaterThan(0)
      expect(summary.eventsPending).toBe(summary.eventsEmitted.total)
      expect(summary.lastDeliveryError).toContain("ECONNREFUSED")
      expect(summary.failure?.reason).toBe("delivery")
      expect(summary.failure?.message).toContain("still pending")
      expect(ran.stderr).toContain("Demo failed: The receiver did not accept the events")

      // The human display says the same in its last lines.
      expect(human.code).toBe(1)
      expect(human.stdout).toMatch(/Failed ✗ \(delivery: /)
      expect(human.stdout).toMatch(/1 run \(1 succeeded, 0 delivered in full\) · 20 records processed · (\d+) events emitted · 0 delivered · \1 pending/)
      expect(human.stdout).toContain("delivery:   the last failed attempt: ")
      expect(human.stdout).not.toContain("0 runs")
    }), TEST_TIMEOUT_MS)
})
