import { defineConfig, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.js"

/**
 * `npm run test:browser`: the browser tests, in a real Chromium driven by
 * Playwright (Debian's /usr/bin/chromium, or WEFT_CHROMIUM). One file at a
 * time: each starts a browser and a whole Weft behind its API.
 */
const config = mergeConfig(
  shared,
  defineConfig({
    root: import.meta.dirname,
    test: {
      include: ["test/browser/**/*.test.ts"],
      exclude: ["**/node_modules/**"],
      pool: "forks",
      poolOptions: { forks: { singleFork: true } },
      testTimeout: 180_000,
      hookTimeout: 180_000
    }
  })
)

// mergeConfig appends arrays: the shared `include` would bring the other tests in.
config.test!.include = ["test/browser/**/*.test.ts"]

export default config
