import { defineConfig } from 'vitest/config'

// Every workspace's tests also write a JSON report that .ci/run sums into one line.
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
