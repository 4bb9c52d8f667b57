import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../vitest.shared'

// The short soak runs about a minute of faults plus start, convergence and verify.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 240_000, hookTimeout: 60_000 } }))
