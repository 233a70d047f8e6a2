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
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
