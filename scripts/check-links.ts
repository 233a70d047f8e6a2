// Checks the local links of the documentation: every relative link in the README files (the
// repository's, each package's and each example's) and in docs/*.md must point at a file or folder
// inside the repository, and a `#fragment` into a Markdown file must name one of its headings.
// Links with a scheme (https:, mailto:) are not fetched.
//
//   npx tsx scripts/check-links.ts
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/** One link found in a Markdown file. */
export interface Link {
  readonly source: string
  readonly line: number
  readonly target: string
}

// Code (fenced blocks and inline spans) is not prose: links inside it are not links.
const withoutCode = (text: string, keepInline = false): ReadonlyArray<string> => {
  let fenced = false
  return text.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced
      return ""
    }
    return fenced ? "" : keepInline ? line : line.replace(/`[^`]*`/g, "``")
  })
}

/** The links of a Markdown text: inline `[text](target)`, images, and reference definitions. */
export const linksOf = (source: string, text: string): ReadonlyArray<Link> =>
  withoutCode(text).flatMap((line, index) => {
    const targets = [
      ...[...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
      ...[...line.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/g)].map((m) => m[1]!)
    ]
    return targets.map((target) => ({ source, line: index + 1, target }))
  })

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export const slug = (heading: string): string =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-")

const anchorsOf = (text: string): ReadonlySet<string> => {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const line of withoutCode(text, true)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading === null) continue
    const base = slug(heading[1]!)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    anchors.add(n === 0 ? base : `${base}-${n}`)
  }
  return anchors
}

/** What is wrong with a link, or undefined when it resolves. */
export const problem = (link: Link, repository: string = root): string | undefined => {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) return undefined
  const [pathPart, fragment] = link.target.split("#", 2) as [string, string | undefined]
  const file = pathPart === "" ? join(repository, link.source) : resolve(repository, dirname(link.source), decodeURIComponent(pathPart))
  const inside = relative(repository, file)
  if (inside.startsWith("..") || inside.startsWith(sep) || resolve(repository, inside) !== file) {
    return `points outside the repository (${link.target}); link to a file in it, e.g. docs/`
  }
  if (!existsSync(file)) return `${inside} does not exist`
  if (fragment !== undefined && fragment !== "" && file.endsWith(".md") && statSync(file).isFile()) {
    if (!anchorsOf(readFileSync(file, "utf8")).has(fragment.toLowerCase())) return `${inside} has no heading for #${fragment}`
  }
  return undefined
}

const markdownFiles = (): ReadonlyArray<string> => {
  const inWorkspaces = ["packages", "examples"].flatMap((parent) =>
    readdirSync(join(root, parent)).map((name) => join(parent, name, "README.md"))
  )
  const docs = existsSync(join(root, "docs"))
    ? readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).map((name) => join("docs", name))
    : []
  return ["README.md", ...inWorkspaces, ...docs, join("bench", "README.md")].filter((path) => existsSync(join(root, path)))
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  const files = markdownFiles()
  const links = files.flatMap((source) => linksOf(source, readFileSync(join(root, source), "utf8")))
  const problems = links.flatMap((link) => {
    const p = problem(link)
    return p === undefined ? [] : [`${link.source}:${link.line}: ${p}`]
  })
  if (problems.length > 0) {
    for (const p of problems) console.error(p)
    console.error(`\n${problems.length} broken link(s) in ${files.length} Markdown files.`)
    process.exitCode = 1
  } else {
    console.log(`${links.length} links in ${files.length} Markdown files resolve.`)
  }
}
