import { defineConfig } from "vitest/config"

/**
 * How the suite runs, sized for a 2-core machine (CI's and every
 * developer's), which may be busy with other work:
 *
 * - Test files run in forked processes, two at a time: one per core. Many
 *   tests wait on loopback I/O and real timers, so a second fork fills the
 *   first one's idle time; more would only compete for the same cores.
 * - Files share their fork's loaded modules (`isolate: false`): importing
 *   Effect and the workspace sources once per fork instead of once per file
 *   saves most of the suite's CPU time. Tests keep no global state (no
 *   `vi.mock`, no environment changes), and each project still gets fresh
 *   forks.
 * - Workers get a generous minute to shut down.
 *
 * Timeouts of single tests are in `vitest.shared.ts`: safety nets against a
 * hang, far above what a slow machine needs. No test depends on how fast the
 * machine is.
 */
export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*"],
    pool: "forks",
    poolOptions: {
      forks: { isolate: false, minForks: 1, maxForks: 2 }
    },
    teardownTimeout: 60_000
  }
})
