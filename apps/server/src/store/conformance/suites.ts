import { describe } from 'vitest'
import type { Store } from '../store'
import { runAnalyticsTests } from './analytics'
import { runAuditLogTests } from './audit-log'
import { runCatalogTests } from './catalog'
import { runDirectoryTests } from './directory'
import { runDocumentLogTests } from './document-log'
import { runDownstreamTests } from './downstream'
import type { MakeStore } from './fixture'
import { runLifecycleTests } from './lifecycle'
import { runWebhookTests } from './webhooks'

export type { StoreFixture } from './fixture'

/**
 * Every conformance suite, one per part of the Store (DESIGN.md §8): each adapter's test file calls
 * this with a factory for a fresh, empty store, so SQLite and PostgreSQL cannot drift.
 */
export function runStoreTests(name: string, makeStore: MakeStore<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    runLifecycleTests(makeStore)
    runDocumentLogTests(makeStore)
    runAuditLogTests(makeStore)
    runDirectoryTests(makeStore)
    runCatalogTests(makeStore)
    runDownstreamTests(makeStore)
    runWebhookTests(makeStore)
    runAnalyticsTests(makeStore)
  })
}
