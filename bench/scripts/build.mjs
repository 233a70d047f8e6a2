/**
 * What `npm run bench` runs first: builds the packages the benchmarks import
 * (each with its own `npm run build`, in dependency order) and the benchmarks
 * themselves (tsup, src → dist), each only when a source file changed since
 * its last build here, so the run measures the built output as published.
 *
 * A package whose JS built but whose declaration step failed (type errors of
 * work in progress) is used anyway, with a warning: the benchmarks only run
 * its JS. A lock folder keeps two benchmark runs from building at once.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { fileURLToPath } from "node:url"

const bench = dirname(dirname(fileURLToPath(import.meta.url)))
const root = dirname(bench)
const packages = ["core", "store-memory", "store-sql", "sink-webhook", "connectors", "testing"].map((p) => join(root, "packages", p))
const STAMP = ".bench-built"
const force = process.argv.includes("--force")

/** Newest modification time (ms) of the files under `path`. */
const newest = (path) => {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let max = 0
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)))
  return max
}

const inputsOf = (dir) =>
  Math.max(...["src", "package.json", "tsup.config.ts", "tsconfig.build.json"].map((f) => newest(join(dir, f))))

const stampOf = (dir) => {
  const stamp = join(dir, "dist", STAMP)
  return existsSync(stamp) ? statSync(stamp).mtimeMs : 0
}

/** The built JS files a package's exports point to. */
const entriesOf = (dir) => {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
  if (pkg.exports === undefined) return [join(dir, "dist", "main.js")]
  return Object.values(pkg.exports)
    .filter((target) => target !== null && typeof target === "object" && target.import !== undefined)
    .map((target) => join(dir, typeof target.import === "string" ? target.import : target.import.default))
}

const build = (dir) => {
  const name = dir.slice(root.length + 1)
  if (!force && stampOf(dir) >= inputsOf(dir)) return
  const started = Date.now()
  process.stderr.write(`bench: building ${name} … `)
  const result = spawnSync("npm", ["run", "build"], { cwd: dir, encoding: "utf8", shell: process.platform === "win32" })
  const fresh = entriesOf(dir).every((file) => existsSync(file) && statSync(file).mtimeMs >= started - 1000)
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n")
    if (!fresh) {
      process.stderr.write(`failed\n${output}\n`)
      throw new Error(`bench: the build of ${name} failed`)
    }
    process.stderr.write(`JS built; its declaration step failed (the benchmarks only run the JS):\n${output}\n`)
  } else {
    process.stderr.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
  }
  // The stamp carries the build's start time: a file saved during the build makes the next run rebuild.
  const stamp = join(dir, "dist", STAMP)
  writeFileSync(stamp, "")
  utimesSync(stamp, new Date(started), new Date(started))
}

// --- lock ---------------------------------------------------------------------

const lock = join(bench, ".build-lock")
const alive = (pid) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const acquire = async () => {
  const until = Date.now() + 10 * 60_000
  for (;;) {
    try {
      mkdirSync(lock)
      writeFileSync(join(lock, "pid"), String(process.pid))
      return
    } catch {
      let holder = 0
      try {
        holder = Number(readFileSync(join(lock, "pid"), "utf8"))
      } catch {
        holder = 0
      }
      if (holder > 0 && !alive(holder)) {
        rmSync(lock, { recursive: true, force: true })
        continue
      }
      if (Date.now() > until) throw new Error(`bench: ${lock} is held by process ${holder}; remove it if no build is running`)
      await sleep(500)
    }
  }
}

await acquire()
try {
  for (const dir of [...packages, bench]) build(dir)
} finally {
  rmSync(lock, { recursive: true, force: true })
}
