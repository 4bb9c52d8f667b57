import { describe, expect, it, onTestFinished } from 'vitest'
import { sqliteStores } from '../testing/stores'
import { openLiveCatalog } from './live-catalog'
import { createPurpose, publishVersion, retirePurpose } from './publish'

const texts = { en: 'English', si: 'සිංහල', ta: 'தமிழ்' }
const admin = { id: 'admin1', role: 'admin' }

describe('publishing tells downstream systems', () => {
  it('appends a catalog.published event per stored catalog write, none for a refused one', async () => {
    const f = await sqliteStores()
    onTestFinished(f.cleanup)
    const store = f.open()
    await store.migrate()
    const p = { store, catalog: await openLiveCatalog(store), announce: () => {} }
    const at = '2026-11-02T08:00:00.000Z'
    const draft = {
      id: 'newsletter',
      default: 'withdrawn' as const,
      version: '1',
      title: texts,
      notice: texts,
    }
    expect((await createPurpose(p, draft, admin, at)).ok).toBe(true)
    expect((await createPurpose(p, draft, admin, at)).ok).toBe(false)
    const v2 = { version: '2', title: texts, notice: texts, material: true, reconsent: 'required' as const }
    expect((await publishVersion(p, 'newsletter', v2, admin, at)).ok).toBe(true)
    expect((await retirePurpose(p, 'newsletter', admin, at)).ok).toBe(true)
    const events = await store.readOutbox(0, 10)
    expect(
      events.map((e) => [e.seq, e.type, e.purposeId, e.data.action, e.data.version, e.data.status]),
    ).toEqual([
      [1, 'catalog.published', 'newsletter', 'purpose.create', '1', 'active'],
      [2, 'catalog.published', 'newsletter', 'version.publish', '2', 'active'],
      [3, 'catalog.published', 'newsletter', 'purpose.retire', '2', 'retired'],
    ])
    expect(events[1]?.data).toMatchObject({ material: true, reconsent: 'required' })
  })
})
