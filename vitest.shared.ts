import { defineConfig } from "vitest/config"

/**
 * Shared by every workspace project. Workspace packages resolve to their
 * TypeScript sources through the `@weft/source` export condition, so tests
 * never need a prior build.
 */
export const shared = defineConfig({
  resolve: { conditions: ["@weft/source"] },
  ssr: { resolve: { conditions: ["@weft/source"], externalConditions: ["@weft/source"] } },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    setupFiles: [new URL("./vitest.setup.ts", import.meta.url).pathname],
    // Safety nets against a hang, not speed limits: far above what a busy
    // machine needs. Tests that legitimately take long set their own.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Must match the root config: files share their fork's loaded modules.
    isolate: false
  }
})
