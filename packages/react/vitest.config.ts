import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared'

// The hooks run in a DOM (happy-dom) with Testing Library, localStorage included.
export default mergeConfig(shared, defineConfig({ test: { environment: 'happy-dom' } }))
