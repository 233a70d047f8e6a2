import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.js"

export default mergeConfig(
  shared,
  defineProject({
    // One PostgreSQL for the run (WEFT_TEST_DATABASE_URL or a started one), shared by the files.
    test: { globalSetup: ["../testing/src/postgres/globalSetup.ts"] }
  })
)
