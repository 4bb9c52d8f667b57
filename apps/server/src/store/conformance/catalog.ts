import {
  GENESIS,
  type NoticeTexts,
  type NoticeVersion,
  noticeTextHash,
  type PurposeRecord,
} from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { verifyAdminChain } from '../../audit/admin-chain'
import type { AdminRecord, CatalogStore } from '../catalog-store'
import type { StoreLifecycle } from '../store'
import { fixtures, type MakeStore } from './fixture'

export type CatalogSubject = StoreLifecycle & CatalogStore

/**
 * Texts that must come back byte for byte: Sinhala with its zero-width joiner (ශ්‍රී), Tamil, a
 * decomposed é next to a composed one (no normalisation), quotes, a backslash, a line break, NUL.
 */
function texts(purposeId: string, version: string): NoticeTexts {
  return {
    title: {
      en: `${purposeId} ${version}: "offers" \\ café cafe\u0301`,
      si: `ශ්\u200dරී ලංකා — ${purposeId} ${version}`,
      ta: `தனிப்பயனாக்கப்பட்ட சலுகைகள் ${version}`,
    },
    notice: {
      en: `We use your plan.\nLine two\ttabbed, NUL:\u0000 end. ${version}`,
      si: `ඔබට ඕනෑම වේලාවක මෙම කැමැත්ත ඉවත් කර ගත හැකි අතර, ඔබේ සේවාව වෙනස් නොවේ. ${version}`,
      ta: `எந்த நேரத்திலும் நீங்கள் இதைத் திரும்பப் பெறலாம்; உங்கள் சேவை மாறாது. ${version} 🙂`,
    },
  }
}

/** The catalog's writes in one test, with increasing times and what each expects in the admin log. */
function catalogWriter() {
  let clock = Date.parse('2026-11-02T08:00:00.000Z')
  const now = () => {
    clock += 60_000
    return new Date(clock).toISOString()
  }
  const admin = (action: string, target: string, details: Record<string, unknown>): AdminRecord => ({
    action,
    target,
    actorId: 'admin1',
    actorRole: 'admin',
    at: now(),
    details,
  })
  const version = (
    purposeId: string,
    v: string,
    policy: Pick<NoticeVersion, 'material'> & Partial<Pick<NoticeVersion, 'lifetimeDays' | 'reconsent'>> = {
      material: false,
    },
  ): NoticeVersion => {
    const t = texts(purposeId, v)
    return {
      purposeId,
      version: v,
      ...t,
      textHash: noticeTextHash(purposeId, v, t),
      ...policy,
      publishedAt: now(),
      publishedBy: 'admin1',
    }
  }
  const purpose = (id: string, state: PurposeRecord['default'] = 'withdrawn'): PurposeRecord => ({
    id,
    default: state,
    status: 'active',
    createdAt: now(),
  })
  const create = (store: CatalogStore, p: PurposeRecord, first = version(p.id, '1.0')) =>
    store.createPurpose(
      p,
      first,
      admin('purpose.create', `purpose:${p.id}`, { version: first.version, textHash: first.textHash }),
    )
  const publish = (store: CatalogStore, v: NoticeVersion) =>
    store.publishVersion(
      v,
      admin('version.publish', `version:${v.purposeId}@${v.version}`, {
        textHash: v.textHash,
        material: v.material,
        ...(v.reconsent ? { reconsent: v.reconsent } : {}),
      }),
    )
  const setStatus = (store: CatalogStore, purposeId: string, status: PurposeRecord['status']) =>
    store.setPurposeStatus(
      purposeId,
      status,
      admin(status === 'retired' ? 'purpose.retire' : 'purpose.activate', `purpose:${purposeId}`, { status }),
    )
  return { admin, version, purpose, create, publish, setStatus }
}

/** Everything the catalog holds, to compare before and after a refused write. */
async function everything(store: CatalogStore) {
  return {
    purposes: await store.listPurposes(),
    versions: await store.listVersions(),
    log: await store.adminLog(),
  }
}

/** CatalogStore: the purpose catalog (immutable versions) and the hash-chained admin log. */
export function runCatalogTests(makeStore: MakeStore<CatalogSubject>): void {
  const { fixture, setup } = fixtures(makeStore)

  describe('catalog', () => {
    it('starts empty', async () => {
      const store = await setup()
      expect(await everything(store)).toEqual({ purposes: [], versions: [], log: [] })
      expect(await store.getVersion('marketing-sms', '1.0')).toBeUndefined()
    })

    it('creates purposes with their first versions and lists them in creation order', async () => {
      const store = await setup()
      const w = catalogWriter()
      const made = [
        w.purpose('personalised-offers'),
        w.purpose('marketing-sms'),
        w.purpose('b-first', 'granted'),
      ]
      const firsts = made.map((p) => w.version(p.id, '1.0'))
      for (const [i, p] of made.entries()) {
        const result = await w.create(store, p, firsts[i])
        expect(result).toMatchObject({ ok: true, entry: { seq: i + 1, action: 'purpose.create' } })
      }
      // Creation order, not id order.
      expect(await store.listPurposes()).toStrictEqual(made)
      expect(await store.listVersions()).toStrictEqual([...firsts].reverse())
      expect(await store.listVersions('marketing-sms')).toStrictEqual([firsts[1]])
      expect(await store.listVersions('nothing')).toEqual([])
      expect(await store.getVersion('b-first', '1.0')).toStrictEqual(firsts[2])
    })

    it('publishes versions: newest first, each read back exactly, Sinhala and Tamil byte for byte', async () => {
      const store = await setup()
      const w = catalogWriter()
      await w.create(store, w.purpose('marketing-sms'))
      await w.create(store, w.purpose('usage-analytics'))
      const published = [
        w.version('marketing-sms', '1.1'),
        w.version('usage-analytics', '2.0', { material: true, reconsent: 'required', lifetimeDays: 365 }),
        w.version('marketing-sms', '2.0', { material: true }),
        w.version('marketing-sms', '2.1', { material: false, lifetimeDays: 30 }),
        w.version('marketing-sms', '3.0', { material: true, reconsent: 'prompt' }),
      ]
      for (const v of published) expect((await w.publish(store, v)).ok).toBe(true)

      const sms = await store.listVersions('marketing-sms')
      expect(sms.map((v) => v.version)).toEqual(['3.0', '2.1', '2.0', '1.1', '1.0'])
      expect((await store.listVersions()).map((v) => `${v.purposeId}@${v.version}`)).toEqual([
        'marketing-sms@3.0',
        'marketing-sms@2.1',
        'marketing-sms@2.0',
        'usage-analytics@2.0',
        'marketing-sms@1.1',
        'usage-analytics@1.0',
        'marketing-sms@1.0',
      ])
      for (const v of published) {
        const stored = await store.getVersion(v.purposeId, v.version)
        // Strictly: an optional field not given stays absent rather than coming back undefined.
        expect(stored).toStrictEqual(v)
        for (const lang of ['en', 'si', 'ta'] as const) {
          expect(Buffer.from(stored!.notice[lang])).toEqual(Buffer.from(v.notice[lang]))
          expect(Buffer.from(stored!.title[lang])).toEqual(Buffer.from(v.title[lang]))
        }
        expect(noticeTextHash(v.purposeId, v.version, stored!)).toBe(v.textHash)
      }
      const plain = await store.getVersion('marketing-sms', '1.1')
      expect(plain && ('lifetimeDays' in plain || 'reconsent' in plain)).toBe(false)
      expect(await store.getVersion('marketing-sms', '9.9')).toBeUndefined()
    })

    it('refuses, storing nothing, what the catalog does not allow', async () => {
      const store = await setup()
      const w = catalogWriter()
      await w.create(store, w.purpose('marketing-sms'))
      await w.create(store, w.purpose('old-purpose'))
      await w.publish(store, w.version('marketing-sms', '1.1'))
      await w.setStatus(store, 'old-purpose', 'retired')
      const before = await everything(store)
      expect(before.log).toHaveLength(4)
      const refusals: [string, () => Promise<unknown>, string][] = [
        ['an id the catalog holds', () => w.create(store, w.purpose('marketing-sms')), 'purpose-exists'],
        ['a retired id', () => w.create(store, w.purpose('old-purpose')), 'purpose-exists'],
        ['a version of nothing', () => w.publish(store, w.version('nothing', '1.0')), 'unknown-purpose'],
        // Immutable: the same version again is refused, even with the very same texts and policy.
        [
          'a published version again',
          () => w.publish(store, w.version('marketing-sms', '1.1')),
          'version-exists',
        ],
        [
          'a published version with other texts',
          () => {
            const t = { ...texts('marketing-sms', '1.0'), notice: { en: 'new', si: 'නව', ta: 'புதிய' } }
            const v = w.version('marketing-sms', '1.0', { material: true })
            return w.publish(store, { ...v, ...t, textHash: noticeTextHash(v.purposeId, v.version, t) })
          },
          'version-exists',
        ],
        [
          'a version of a retired purpose',
          () => w.publish(store, w.version('old-purpose', '2.0')),
          'purpose-retired',
        ],
        ['retiring a retired purpose', () => w.setStatus(store, 'old-purpose', 'retired'), 'already-retired'],
        [
          'activating an active purpose',
          () => w.setStatus(store, 'marketing-sms', 'active'),
          'already-active',
        ],
        ['retiring nothing', () => w.setStatus(store, 'nothing', 'retired'), 'unknown-purpose'],
      ]
      for (const [label, attempt, conflict] of refusals) {
        expect(await attempt(), label).toEqual({ ok: false, conflict })
        expect(await everything(store), label).toStrictEqual(before)
      }
      expect((await store.getVersion('marketing-sms', '1.0'))!.notice).toStrictEqual(
        texts('marketing-sms', '1.0').notice,
      )
    })

    it('throws for a version that is not what it says, and stores nothing of it', async () => {
      const store = await setup()
      const w = catalogWriter()
      await w.create(store, w.purpose('marketing-sms'))
      const before = await everything(store)
      const good = w.version('marketing-sms', '2.0')
      const wrongHash = { ...good, textHash: noticeTextHash('marketing-sms', '1.0', good) }
      await expect(w.publish(store, wrongHash)).rejects.toThrow(/textHash/)
      await expect(w.publish(store, { ...good, lifetimeDays: 0.5 })).rejects.toThrow(/lifetimeDays/)
      const other = w.purpose('usage-analytics')
      await expect(w.create(store, other, w.version('marketing-sms', '5.0'))).rejects.toThrow(/first version/)
      expect(await everything(store)).toStrictEqual(before)
      // Still usable, the log going on without a gap.
      expect(await w.publish(store, good)).toMatchObject({ ok: true, entry: { seq: 2 } })
    })

    it('retires and re-activates a purpose; a retired one publishes again once active', async () => {
      const store = await setup()
      const w = catalogWriter()
      const sms = w.purpose('marketing-sms')
      await w.create(store, sms)
      await w.create(store, w.purpose('usage-analytics'))
      expect(await w.setStatus(store, 'marketing-sms', 'retired')).toMatchObject({
        ok: true,
        entry: { action: 'purpose.retire', details: { status: 'retired' } },
      })
      expect((await store.listPurposes()).map((p) => [p.id, p.status])).toEqual([
        ['marketing-sms', 'retired'],
        ['usage-analytics', 'active'],
      ])
      // Its versions are kept, and so is its place in the order.
      expect((await store.listVersions('marketing-sms')).map((v) => v.version)).toEqual(['1.0'])
      expect((await w.setStatus(store, 'marketing-sms', 'active')).ok).toBe(true)
      expect((await store.listPurposes())[0]).toStrictEqual(sms)
      expect((await w.publish(store, w.version('marketing-sms', '1.1'))).ok).toBe(true)
    })

    it('keeps one admin log: seqs 1..n, a valid chain, each entry as its write answered, details exact', async () => {
      const store = await setup()
      const w = catalogWriter()
      const answers = [
        await w.create(store, w.purpose('marketing-sms')),
        await w.publish(store, w.version('marketing-sms', '2.0', { material: true, reconsent: 'required' })),
        await w.setStatus(store, 'marketing-sms', 'retired'),
        await store.createPurpose(
          w.purpose('usage-analytics'),
          w.version('usage-analytics', '1.0'),
          w.admin('purpose.create', 'purpose:usage-analytics', {
            nested: { list: [1, 'two', null, { three: 3 }], empty: {} },
            text: 'ශ්‍රී ලංකා — தமிழ்',
            dropped: undefined,
            when: new Date('2026-11-02T09:00:00.000Z'),
          }),
        ),
      ]
      const log = await store.adminLog()
      expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4])
      expect(log[0]!.prevHash).toBe(GENESIS.hash)
      expect(verifyAdminChain(log)).toEqual({ ok: true, head: { seq: 4, hash: log[3]!.hash } })
      expect(log).toStrictEqual(answers.map((a) => (a.ok ? a.entry : undefined)))
      expect(log[1]).toMatchObject({
        action: 'version.publish',
        target: 'version:marketing-sms@2.0',
        actorId: 'admin1',
        actorRole: 'admin',
        details: { material: true, reconsent: 'required' },
      })
      // Details as JSON gives them back: what was hashed is what is read.
      expect(log[3]!.details).toStrictEqual({
        nested: { list: [1, 'two', null, { three: 3 }], empty: {} },
        text: 'ශ්‍රී ලංකා — தமிழ்',
        when: '2026-11-02T09:00:00.000Z',
      })
      expect(await store.adminLog(2)).toStrictEqual(log.slice(2))
      expect(await store.adminLog(4)).toEqual([])
    })

    it('chains a record of a read (an export) onto the admin log, changing nothing else, also when sent with writes', async () => {
      const store = await setup()
      const w = catalogWriter()
      await w.create(store, w.purpose('marketing-sms'))
      const before = await store.listPurposes()
      const record = w.admin('customer.export', 'customer:C-0001', { format: 'json', auditEntries: 3 })
      const [entry, published] = await Promise.all([
        store.recordAdmin(record),
        w.publish(store, w.version('marketing-sms', '1.1')),
      ])
      expect(entry).toMatchObject({ ...record })
      expect(published.ok).toBe(true)
      const log = await store.adminLog()
      expect(log).toHaveLength(3)
      expect(log).toContainEqual(entry)
      expect(verifyAdminChain(log).ok).toBe(true)
      expect(await store.listPurposes()).toStrictEqual(before)
      const again = await store.recordAdmin(w.admin('customer.export', 'customer:C-0002', {}))
      expect(again).toMatchObject({ seq: 4, prevHash: log[2]!.hash })
    })

    it('lands every write of several sent at once, one after the other in the log', async () => {
      const store = await setup()
      const w = catalogWriter()
      await w.create(store, w.purpose('marketing-sms'))
      const versions = Array.from({ length: 8 }, (_, i) => w.version('marketing-sms', `1.${i + 1}`))
      const results = await Promise.all([
        ...versions.map((v) => w.publish(store, v)),
        w.create(store, w.purpose('usage-analytics')),
      ])
      expect(results.every((r) => r.ok)).toBe(true)
      const log = await store.adminLog()
      expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1))
      expect(verifyAdminChain(log).ok).toBe(true)
      expect(await store.listVersions('marketing-sms')).toHaveLength(9)
    })

    it('keeps the catalog and the admin log across a restart', async () => {
      const { open } = await fixture()
      const store = open()
      await store.migrate()
      const w = catalogWriter()
      await w.create(store, w.purpose('marketing-sms'))
      await w.create(store, w.purpose('usage-analytics', 'granted'))
      await w.publish(store, w.version('marketing-sms', '2.0', { material: true, lifetimeDays: 90 }))
      await w.setStatus(store, 'usage-analytics', 'retired')
      const before = { ...(await everything(store)), one: await store.getVersion('marketing-sms', '2.0') }
      await store.close()

      const restarted = open()
      await restarted.migrate()
      expect({
        ...(await everything(restarted)),
        one: await restarted.getVersion('marketing-sms', '2.0'),
      }).toStrictEqual(before)
      expect(verifyAdminChain(before.log).ok).toBe(true)
      // The log goes on from the stored head.
      expect(await w.publish(restarted, w.version('marketing-sms', '2.1'))).toMatchObject({
        ok: true,
        entry: { seq: 5, prevHash: before.log[3]!.hash },
      })
      expect(await w.publish(restarted, w.version('usage-analytics', '2.0'))).toEqual({
        ok: false,
        conflict: 'purpose-retired',
      })
      expect(verifyAdminChain(await restarted.adminLog()).ok).toBe(true)
    })
  })
}
