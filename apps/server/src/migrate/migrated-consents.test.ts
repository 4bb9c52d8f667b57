import path from 'node:path'
import { DEFAULT_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT, DEFAULT_LIMITS } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { openStore } from '../app'
import { seedCatalog } from '../catalog/live-catalog'
import { loadConfig } from '../config'
import { seedDemo } from '../demo/seed'
import { tempDir, testServer } from '../testing/per-test'
import { CSR_1 } from '../testing/server'
import { migrateLegacy } from './migrate'

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/legacy')

interface PurposeState {
  purposeId: string
  state: string
  effectiveState: string
  channel: string | null
  decidedAt: string | null
  decidedBy: { id: string; role: string } | null
}

describe('a migrated customer on the running server', () => {
  it('GET /api/customers/:id/consents answers the final legacy states', async () => {
    const dir = await tempDir('consent-sync-migrated-')
    // The file the test server opens (startTestServer: <dir>/test.db), migrated before it starts.
    const config = loadConfig({ DATABASE_PATH: path.join(dir, 'test.db'), LOG_LEVEL: 'silent' })
    const store = await openStore(config)
    await store.migrate()
    await seedDemo(store)
    await seedCatalog(store, DEFAULT_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT)
    const result = await migrateLegacy(
      {
        consents: path.join(FIXTURES, 'consents.jsonl'),
        audit: path.join(FIXTURES, 'audit.jsonl'),
        purposeMap: path.join(FIXTURES, 'purpose-map.json'),
      },
      { store, limits: DEFAULT_LIMITS },
    )
    await store.close()
    expect(result.ok).toBe(true)

    const server = await testServer({ dir })
    const token = server.token(CSR_1)
    const consents = async (id: string) => {
      const res = await server.get(`/api/customers/${id}/consents`, token)
      expect(res.status).toBe(200)
      const body = (await res.json()) as { purposes: PurposeState[] }
      return new Map(body.purposes.map((p) => [p.purposeId, p]))
    }

    const c1 = await consents('C-0001')
    expect(c1.get('marketing-sms')).toMatchObject({
      state: 'granted',
      effectiveState: 'granted',
      channel: 'import',
      decidedAt: '2024-03-01T10:00:00.000Z',
      decidedBy: { id: 'legacy-migration', role: 'csr' },
    })
    expect(c1.get('marketing-email')?.state).toBe('granted')
    // Nobody decided it in the old service: the catalog default.
    expect(c1.get('partner-sharing')).toMatchObject({ state: 'withdrawn', channel: null })

    const c4 = await consents('C-0004')
    expect(c4.get('marketing-push')).toMatchObject({
      state: 'withdrawn',
      decidedAt: '2024-08-30T16:00:00.000Z',
    })
    expect(c4.get('marketing-email')?.state).toBe('withdrawn')

    const c5 = await consents('C-0005')
    expect([c5.get('marketing-sms')?.state, c5.get('marketing-email')?.state]).toEqual([
      'withdrawn',
      'granted',
    ])

    // Migrated, but not in the directory: the route does not know the customer until they are imported.
    expect((await server.get('/api/customers/C-0008/consents', token)).status).toBe(404)
  })
})
