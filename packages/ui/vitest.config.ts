import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared'

// The components are tested in a DOM (happy-dom) with Testing Library; Chromium runs them in e2e/.
export default mergeConfig(
  shared,
  defineConfig({ test: { environment: 'happy-dom', setupFiles: ['./vitest.setup.ts'] } }),
)
