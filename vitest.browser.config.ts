import { defineConfig } from "vitest/config"

/**
 * `npm run test:browser`: the tests that drive a real Chromium (Debian's
 * /usr/bin/chromium, or the one WEFT_CHROMIUM names) with Playwright: the
 * connect component and the audit page, and the demo's `--serve` page. One
 * file at a time: each starts a browser and a whole Weft behind its API.
 */
export default defineConfig({
  test: {
    projects: ["packages/connect-ui/vitest.browser.config.ts", "examples/quickstart/vitest.browser.config.ts"],
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    teardownTimeout: 60_000
  }
})
