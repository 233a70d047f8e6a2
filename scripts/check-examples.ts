// Type-checks the code examples of the documentation: every ```ts block of an `@example` JSDoc tag in
// packages/*/src and examples/*/src, and every ```ts block of the README files of the repository and
// of each package, and of docs/*.md. (The examples' own READMEs walk through excerpts of their
// sources, which the repository's type check already covers.)
//
// Each block becomes a module of its own, compiled with the repository's compiler options against the
// workspace packages' sources (the `@weft/source` export condition), so an example compiles exactly
// when a user could paste it into a file of their own. Unused names are allowed; everything else
// (missing imports, undeclared names, wrong types) is an error reported at the documentation's line.
//
// A README block that is deliberately partial is fenced ```ts no-check and skipped. JSDoc examples
// are never skipped: declare what an example needs (`declare const input: Api.ConnectInput`).
//
//   npx tsx scripts/check-examples.ts            check everything
//   npx tsx scripts/check-examples.ts --list     list the blocks found, check nothing
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/** One code block, where it was found and its text. */
export interface Snippet {
  /** Repository-relative path of the file that holds the block. */
  readonly source: string
  /** 1-based line of the block's first code line in that file. */
  readonly line: number
  readonly code: string
}

const fenceOpen = /^(\s*)```(ts|typescript)\b(.*)$/
const fenceClose = /^\s*```\s*$/

/** The ```ts blocks of a Markdown file, except those fenced `no-check`. */
export const markdownSnippets = (source: string, text: string): ReadonlyArray<Snippet> => {
  const lines = text.split("\n")
  const out: Array<Snippet> = []
  for (let i = 0; i < lines.length; i++) {
    const open = fenceOpen.exec(lines[i]!)
    if (open === null) continue
    const indent = open[1]!.length
    const skip = /\bno-check\b/.test(open[3]!)
    const start = i + 1
    let end = start
    while (end < lines.length && !fenceClose.test(lines[end]!)) end++
    if (!skip) out.push({ source, line: start + 1, code: lines.slice(start, end).map((l) => l.slice(Math.min(indent, l.search(/\S|$/)))).join("\n") })
    i = end
  }
  return out
}

/** The ```ts blocks that follow an `@example` tag in the JSDoc comments of a TypeScript file. */
export const jsdocSnippets = (source: string, text: string): ReadonlyArray<Snippet> => {
  const lines = text.split("\n")
  const out: Array<Snippet> = []
  let inDoc = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (!inDoc) {
      if (/^\s*\/\*\*/.test(line) && !/\*\//.test(line)) inDoc = true
      continue
    }
    if (/\*\//.test(line)) {
      inDoc = false
      continue
    }
    if (!/^\s*\*\s*@example\b/.test(line)) continue
    // The example's code: the fenced block after the tag.
    let j = i + 1
    while (j < lines.length && /^\s*\*\s*$/.test(lines[j]!)) j++
    const body = (l: string) => l.replace(/^\s*\* ?/, "")
    if (j >= lines.length || !fenceOpen.test(body(lines[j]!))) {
      throw new Error(`${source}:${i + 1}: an @example must be a \`\`\`ts fenced block`)
    }
    const start = j + 1
    let end = start
    while (end < lines.length && !fenceClose.test(body(lines[end]!)) && !/\*\//.test(lines[end]!)) end++
    out.push({ source, line: start + 1, code: lines.slice(start, end).map(body).join("\n") })
    i = end
  }
  return out
}

const walk = (dir: string): ReadonlyArray<string> =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      if (name === "node_modules" || name === "dist") return []
      return statSync(path).isDirectory() ? walk(path) : [path]
    })
    : []

const workspaceDirs = (parent: string) =>
  readdirSync(join(root, parent)).map((name) => join(root, parent, name)).filter((dir) => existsSync(join(dir, "package.json")))

/** Every documented block of the repository. */
export const collect = (): ReadonlyArray<Snippet> => {
  const sources = [...workspaceDirs("packages"), ...workspaceDirs("examples")].flatMap((dir) => walk(join(dir, "src")))
    .filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"))
    .sort()
  const markdown = [
    join(root, "README.md"),
    ...workspaceDirs("packages").map((dir) => join(dir, "README.md")),
    ...walk(join(root, "docs")).filter((path) => path.endsWith(".md"))
  ].filter((path) => existsSync(path)).sort()
  return [
    ...sources.flatMap((path) => jsdocSnippets(relative(root, path), readFileSync(path, "utf8"))),
    ...markdown.flatMap((path) => markdownSnippets(relative(root, path), readFileSync(path, "utf8")))
  ]
}

// Compiled inside node_modules so that the workspace packages and their dependencies resolve as they
// would for a user; one folder per run (two runs at once do not share it), removed afterwards.
const outDir = join(root, "node_modules", ".cache", `weft-examples-${process.pid}`)

const fileName = (snippet: Snippet, index: number) =>
  `${String(index).padStart(3, "0")}_${snippet.source.replace(/[^A-Za-z0-9]+/g, "_")}_L${snippet.line}.ts`

const compilerOptions = (): ts.CompilerOptions => {
  const base = ts.readConfigFile(join(root, "tsconfig.base.json"), ts.sys.readFile)
  if (base.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(base.error.messageText, "\n"))
  const raw = (base.config as { compilerOptions: Record<string, unknown> }).compilerOptions
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    { ...raw, noEmit: true, noUnusedLocals: false, noUnusedParameters: false, customConditions: ["@weft/source"], plugins: [] },
    outDir
  )
  if (errors.length > 0) throw new Error(errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n")).join("\n"))
  return options
}

/** Compiles the snippets; returns one message per error, located in the documentation. */
export const check = (snippets: ReadonlyArray<Snippet>): ReadonlyArray<string> => {
  try {
    return compile(snippets)
  } finally {
    rmSync(outDir, { recursive: true, force: true })
  }
}

const compile = (snippets: ReadonlyArray<Snippet>): ReadonlyArray<string> => {
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, "package.json"), JSON.stringify({ private: true, type: "module" }))
  const files = new Map<string, Snippet>()
  snippets.forEach((snippet, index) => {
    const path = join(outDir, fileName(snippet, index))
    // `export {}` makes every block a module of its own, even one without imports.
    writeFileSync(path, `${snippet.code}\nexport {}\n`)
    files.set(path, snippet)
  })
  const program = ts.createProgram([...files.keys()], compilerOptions())
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSourceFiles().filter((sf) => files.has(sf.fileName)).flatMap((sf) => [
      ...program.getSyntacticDiagnostics(sf),
      ...program.getSemanticDiagnostics(sf)
    ])
  ]
  return diagnostics.map((d) => {
    const message = `error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    if (d.file === undefined || d.start === undefined) return message
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start)
    const snippet = files.get(d.file.fileName)
    if (snippet === undefined) return `${relative(root, d.file.fileName)}:${line + 1}:${character + 1} ${message}`
    return `${snippet.source}:${snippet.line + line}:${character + 1} (example at line ${snippet.line}) ${message}`
  })
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  const snippets = collect()
  if (process.argv.includes("--list")) {
    for (const s of snippets) console.log(`${s.source}:${s.line}`)
  } else {
    const errors = check(snippets)
    const sources = new Set(snippets.map((s) => s.source)).size
    if (errors.length > 0) {
      for (const error of errors) console.error(error)
      console.error(`\n${errors.length} error(s) in the code examples (${snippets.length} blocks in ${sources} files).`)
      process.exitCode = 1
    } else {
      console.log(`${snippets.length} code examples in ${sources} files compile.`)
    }
  }
}
