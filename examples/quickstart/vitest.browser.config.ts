import { defineConfig, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.js"

/** The demo's browser test (`npm run test:browser`): `--serve` in a real Chromium. */
const config = mergeConfig(
  shared,
  defineConfig({
    root: import.meta.dirname,
    test: { include: ["test/browser/**/*.test.ts"], exclude: ["**/node_modules/**"], testTimeout: 240_000, hookTimeout: 240_000 }
  })
)

// mergeConfig appends arrays: the shared `include` would bring the other tests in.
config.test!.include = ["test/browser/**/*.test.ts"]

export default config
