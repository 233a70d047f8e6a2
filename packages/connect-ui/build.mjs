// Builds the browser assets into dist/browser:
//
//   weft-connect.js   the <weft-connect> element, one minified ES module (lit included)
//   audit.js          the audit page's script
//   index.html        the audit page
//
// and prints each script's size, minified and gzipped. The Node parts (the server layer that
// serves these files) are built by tsup. Tests call `bundle(dir)` to build into a folder of
// their own.
//
//   node build.mjs [outDir]
import { copyFile, mkdir, readFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import * as esbuild from "esbuild"

const here = dirname(fileURLToPath(import.meta.url))

/** Builds into `outDir`; resolves to the size of each script, in bytes. */
export const bundle = async (outDir = join(here, "dist", "browser")) => {
  await mkdir(outDir, { recursive: true })
  const common = {
    bundle: true,
    minify: true,
    format: "esm",
    target: ["es2022", "chrome111", "firefox115", "safari16.4"],
    conditions: ["@weft/source"],
    legalComments: "none",
    logLevel: "warning"
  }
  await esbuild.build({ ...common, entryPoints: [join(here, "src/connect/define.ts")], outfile: join(outDir, "weft-connect.js") })
  await esbuild.build({ ...common, entryPoints: [join(here, "src/audit/main.ts")], outfile: join(outDir, "audit.js") })
  await copyFile(join(here, "src/audit/index.html"), join(outDir, "index.html"))
  const sizes = {}
  for (const file of ["weft-connect.js", "audit.js"]) {
    const bytes = await readFile(join(outDir, file))
    sizes[file] = { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length }
  }
  return sizes
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await bundle(process.argv[2])
  for (const [file, size] of Object.entries(sizes)) {
    console.log(`${file}: ${(size.minified / 1024).toFixed(1)} kB minified, ${(size.gzipped / 1024).toFixed(1)} kB gzipped`)
  }
}
