import { defineConfig } from "tsup"

// The benchmarks as plain ESM in dist/ (`npm run bench` runs dist/main.js). Every dependency stays
// external, so `@weft/*` resolve to the packages' own built dist at run time. storeWorker is an entry
// of its own: `store --workers` forks it as a file.
export default defineConfig({
  entry: ["src/main.ts", "src/storeWorker.ts"],
  format: ["esm"],
  dts: false,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  target: "node20",
  outDir: "dist"
})
