import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../vitest.shared'

// A real server and real Chromium per test: slower than unit tests, and one file at a time
// so two suites never fight over CPU and make the one-second wait flaky.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      testTimeout: 60_000,
      hookTimeout: 60_000,
      fileParallelism: false,
    },
  }),
)
