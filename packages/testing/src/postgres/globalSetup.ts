import type { TestProject } from "vitest/node"
import { provideKey, start } from "./TestPostgres.js"

/**
 * A vitest `globalSetup` that gives the run one PostgreSQL server: the one of
 * `WEFT_TEST_DATABASE_URL`, or one started for the run and stopped after it,
 * whether tests passed or not. Test files read its admin URL with
 * `inject("weftPostgresAdminUrl")`, in forks too.
 *
 * @since 0.1.0
 */

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the run's test PostgreSQL (contains a password). */
    readonly weftPostgresAdminUrl: string
  }
}

/**
 * Starts the server (or checks the env one) and provides its admin URL. The
 * returned function is vitest's teardown.
 *
 * @since 0.1.0
 * @category vitest
 */
export const setup = async (project: TestProject): Promise<() => Promise<void>> => {
  const server = await start()
  project.provide(provideKey, server.adminUrl)
  return server.stop
}
