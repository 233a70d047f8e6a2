import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { Options } from "tsup"

/**
 * One tsup entry per public subpath of a package's `exports` map, so that the
 * build and the map can never disagree.
 */
export const entries = (dir: string): Options => {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    exports: Record<string, { "@weft/source"?: string } | string | null>
  }
  const entry: Record<string, string> = {}
  for (const target of Object.values(pkg.exports)) {
    // `null` hides a path; a string, or a target without a source, is a built asset (not a tsup entry).
    if (target === null || typeof target === "string" || target["@weft/source"] === undefined) continue
    const src = target["@weft/source"]
    entry[src.replace(/^\.\/src\//, "").replace(/\.ts$/, "")] = src
  }
  return {
    entry,
    format: ["esm", "cjs"],
    // Declarations come from tsc (see each package's build script): bundled declarations lose
    // values re-exported through `export * as X` when a type shares their name.
    dts: false,
    tsconfig: join(dir, "tsconfig.build.json"),
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    target: "node20"
  }
}
