// Checks what every publishable package (packages/*) ships and declares:
//
// - the MIT LICENSE of the repository (also at the root) and a README.md, both in the tarball that
//   `npm pack` would publish;
// - `license`, and `repository` pointing at this repository with the package's `directory`;
// - every package its sources import is declared in `dependencies` or `peerDependencies`;
// - `@weft/testing`: `vitest` and `@effect/vitest`, which its conformance suites need, are optional
//   peer dependencies, and its README says so.
//
//   npx tsx scripts/check-packages.ts
import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { builtinModules } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/** The repository every package.json points at. */
export const repositoryUrl = "git+https://github.com/weft-dev/weft.git"

interface PackageJson {
  readonly name: string
  readonly private?: boolean
  readonly license?: string
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string } | string
  readonly files?: ReadonlyArray<string>
  readonly dependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>
}

const readJson = (path: string): PackageJson => JSON.parse(readFileSync(path, "utf8")) as PackageJson

const walk = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })

/** The packages a TypeScript source imports (statements only; JSDoc examples are not imports). */
export const importsOf = (text: string): ReadonlyArray<string> =>
  [...text.matchAll(/^(?:import|export)\s(?:[^"';=()/]*?\sfrom\s)?["']([^"'.][^"']*)["']/gm)].map((m) => {
    const spec = m[1]!
    const parts = spec.split("/")
    return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!
  })

const builtins = new Set(builtinModules)
const isBuiltin = (name: string) => name.startsWith("node:") || builtins.has(name)

const MIT = "MIT License"
const COPYRIGHT = "Copyright (c) 2026 Weft contributors"

/** The problems of one package directory (relative to the repository). */
export const checkPackage = (dir: string, license: string): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const pkg = readJson(join(root, dir, "package.json"))
  const say = (what: string) => problems.push(`${dir} (${pkg.name}): ${what}`)
  const licenseFile = join(root, dir, "LICENSE")
  if (!existsSync(licenseFile)) say("no LICENSE file")
  else if (readFileSync(licenseFile, "utf8") !== license) say("LICENSE differs from the repository's")
  if (!existsSync(join(root, dir, "README.md"))) say("no README.md")
  if (pkg.license !== "MIT") say(`license is ${JSON.stringify(pkg.license)}, not "MIT"`)
  const repo = typeof pkg.repository === "object" ? pkg.repository : undefined
  if (repo?.type !== "git" || repo.url !== repositoryUrl || repo.directory !== dir) {
    say(`repository must be { "type": "git", "url": "${repositoryUrl}", "directory": "${dir}" }`)
  }
  for (const file of ["dist", "README.md", "LICENSE"]) {
    if (!(pkg.files ?? []).includes(file)) say(`"files" does not list ${file}`)
  }
  const declared = new Set([pkg.name, ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})])
  const sources = walk(join(root, dir, "src")).filter((path) => path.endsWith(".ts"))
  const undeclared = new Set(sources.flatMap((path) => importsOf(readFileSync(path, "utf8"))).filter((name) => !isBuiltin(name) && !declared.has(name)))
  for (const name of undeclared) say(`imports ${name} without declaring it in dependencies or peerDependencies`)
  return problems
}

/** `@weft/testing/conformance` needs vitest and @effect/vitest: optional peers, documented. */
export const checkTestingPeers = (dir: string): ReadonlyArray<string> => {
  const pkg = readJson(join(root, dir, "package.json"))
  const readme = existsSync(join(root, dir, "README.md")) ? readFileSync(join(root, dir, "README.md"), "utf8") : ""
  return ["vitest", "@effect/vitest"].flatMap((peer) => [
    ...(pkg.peerDependencies?.[peer] === undefined ? [`${dir}: ${peer} is not a peer dependency`] : []),
    ...(pkg.peerDependenciesMeta?.[peer]?.optional !== true ? [`${dir}: ${peer} is not marked optional in peerDependenciesMeta`] : []),
    ...(!readme.includes(`\`${peer}\``) ? [`${dir}/README.md does not name \`${peer}\``] : [])
  ]).concat(/optional peer/i.test(readme) ? [] : [`${dir}/README.md does not say the conformance peers are optional`])
}

interface Packed {
  readonly name: string
  readonly files: ReadonlyArray<{ readonly path: string }>
}

/** What `npm pack` would put in each tarball (no build needed: dist is checked by the build). */
export const packedFiles = (dirs: ReadonlyArray<string>): ReadonlyArray<Packed> => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", ...dirs.flatMap((d) => ["-w", d])], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"]
  })
  return JSON.parse(out) as ReadonlyArray<Packed>
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  const problems: Array<string> = []
  const licensePath = join(root, "LICENSE")
  const license = existsSync(licensePath) ? readFileSync(licensePath, "utf8") : ""
  if (!license.startsWith(MIT) || !license.includes(COPYRIGHT)) problems.push(`LICENSE: the repository needs the MIT license, "${COPYRIGHT}"`)
  const dirs = readdirSync(join(root, "packages"))
    .map((name) => `packages/${name}`)
    .filter((dir) => existsSync(join(root, dir, "package.json")) && readJson(join(root, dir, "package.json")).private !== true)
  for (const dir of dirs) problems.push(...checkPackage(dir, license))
  problems.push(...checkTestingPeers("packages/testing"))
  for (const packed of packedFiles(dirs)) {
    const paths = new Set(packed.files.map((f) => f.path))
    for (const file of ["LICENSE", "README.md", "package.json"]) {
      if (!paths.has(file)) problems.push(`npm pack ${packed.name}: the tarball has no ${file}`)
    }
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(p)
    console.error(`\n${problems.length} packaging problem(s).`)
    process.exitCode = 1
  } else {
    console.log(`${dirs.length} packages carry LICENSE, README and repository metadata, and declare what they import.`)
  }
}
