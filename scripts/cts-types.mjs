// Gives CommonJS consumers their own declaration files: every dist/**/*.d.ts is copied to a
// .d.cts whose relative imports point at .cjs files, so `require` resolves types of the CJS build.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })

const dist = process.argv[2] ?? "dist"
for (const file of walk(dist)) {
  if (!file.endsWith(".d.ts")) continue
  const text = readFileSync(file, "utf8").replace(/(from\s+["']|import\(["'])(\.{1,2}\/[^"']+?)\.js(["'])/g, "$1$2.cjs$3")
  writeFileSync(file.replace(/\.d\.ts$/, ".d.cts"), text)
}
