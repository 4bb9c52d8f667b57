import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { acceptUpdate } from './accept'
import { GENESIS, verifyChain } from './audit'
import { DEFAULT_CATALOG, isPublishedVersion, type PurposeCatalog } from './catalog'
import { decide, readDecisions } from './document'
import { foldOne } from './fold'
import { missingLanguages, type NoticeVersion, noticeTextHash } from './notice-version'
import { catalogOf, type PurposeRecord, recordsOf } from './published-catalog'
import { readOut } from './read-out'
import type { ConnectionUser, DecisionState } from './types'
import { ShadowValidator } from './validate'

const CUSTOMER: ConnectionUser = { id: 'C-0001', role: 'customer', customerId: 'C-0001' }
const P = 'marketing-sms'
const seeded = recordsOf(DEFAULT_CATALOG, '2026-11-01T00:00:00.000Z', 'seed')
const sms = DEFAULT_CATALOG.purposes.find((p) => p.id === P)!

/** A new version of marketing-sms, published a day after `daysAfterSeed` days. */
function smsVersion(version: string, day: number, extra: Partial<NoticeVersion> = {}): NoticeVersion {
  const texts = {
    title: sms.title,
    notice: { ...sms.notice, en: `${sms.notice.en} (version ${version})` },
  }
  return {
    purposeId: P,
    version,
    ...texts,
    textHash: noticeTextHash(P, version, texts),
    material: false,
    publishedAt: new Date(Date.parse('2026-11-01T00:00:00Z') + day * 86_400_000).toISOString(),
    publishedBy: 'admin1',
    ...extra,
  }
}

function catalogWith(versions: NoticeVersion[], purposes: PurposeRecord[] = seeded.purposes): PurposeCatalog {
  return catalogOf(purposes, [...seeded.versions, ...versions])
}

/** Accepts one customer decision under `catalog` into a fresh record: the result and the document. */
function acceptOne(catalog: PurposeCatalog, state: DecisionState, noticeVersion: string, doc = new Y.Doc()) {
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(doc))
  const sv = Y.encodeStateVector(client)
  decide(client, {
    purposeId: P,
    state,
    actor: { id: 'C-0001', role: 'customer' },
    channel: 'web',
    noticeVersion,
  })
  const update = Y.encodeStateAsUpdate(client, sv)
  const result = acceptUpdate({
    validator: new ShadowValidator(doc),
    before: readDecisions(doc),
    head: GENESIS,
    update,
    context: {
      customerId: 'C-0001',
      user: CUSTOMER,
      receivedAt: '2026-12-01T10:00:00.000Z',
      connectionId: 'c1',
    },
    catalog,
  })
  if (result.ok && result.changed) Y.applyUpdate(doc, update)
  return { result, doc }
}

describe('the catalog as data (SPEC 1.6)', () => {
  it('hashes the canonical texts: the same texts the same hash, any change another', () => {
    const h = noticeTextHash(P, '1.0', sms)
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    expect(noticeTextHash(P, '1.0', { title: { ...sms.title }, notice: { ...sms.notice } })).toBe(h)
    expect(noticeTextHash(P, '1.0', { ...sms, notice: { ...sms.notice, ta: `${sms.notice.ta}.` } })).not.toBe(
      h,
    )
    expect(noticeTextHash(P, '1.1', sms)).not.toBe(h)
  })

  it('names each language whose title or notice is missing or blank', () => {
    expect(missingLanguages(sms)).toEqual([])
    expect(missingLanguages({ title: sms.title, notice: { ...sms.notice, si: '  ' } })).toEqual(['si'])
    expect(missingLanguages({ title: { en: 'x' } as never })).toEqual(['en', 'si', 'ta'])
  })

  it('serves each purpose at its newest version and lists every version, newest first', () => {
    const catalog = catalogWith([smsVersion('1.1', 3), smsVersion('2.0', 10, { material: true })])
    const p = catalog.purposes.find((x) => x.id === P)!
    expect(p.version).toBe('2.0')
    expect(p.material).toBe(true)
    expect(p.versions?.map((v) => v.version)).toEqual(['2.0', '1.1', '1.0'])
    expect(p.notice.en).toContain('(version 2.0)')
    for (const v of ['1.0', '1.1', '2.0']) expect(isPublishedVersion(p, v)).toBe(true)
    expect(isPublishedVersion(p, '1.2')).toBe(false)
    // The catalog's version names its content: a retirement changes it too.
    expect(catalog.version).toMatch(/^[0-9a-f]{16}$/)
    const retired = seeded.purposes.map((x) => (x.id === P ? { ...x, status: 'retired' as const } : x))
    expect(
      catalogWith([smsVersion('1.1', 3), smsVersion('2.0', 10, { material: true })], retired).version,
    ).not.toBe(catalog.version)
    // The seeded catalog is today's compiled one, hashed.
    expect(catalogOf(seeded.purposes, seeded.versions).purposes.map((x) => [x.id, x.version])).toEqual(
      DEFAULT_CATALOG.purposes.map((x) => [x.id, x.version]),
    )
  })

  it('accepts a decision under an earlier published version and audits that version’s text hash (SPEC 2.11, 4.5)', () => {
    const catalog = catalogWith([smsVersion('1.1', 3)])
    const { result } = acceptOne(catalog, 'granted', '1.0')
    expect(result).toMatchObject({ ok: true, changed: true })
    if (!result.ok || !result.changed) throw new Error('not accepted')
    expect(result.entries[0]?.noticeHash).toBe(noticeTextHash(P, '1.0', sms))
    expect(verifyChain(result.entries).ok).toBe(true)
    // Under the new one, that one's hash.
    const newer = acceptOne(catalog, 'granted', '1.1').result
    if (!newer.ok || !newer.changed) throw new Error('not accepted')
    expect(newer.entries[0]?.noticeHash).toBe(smsVersion('1.1', 3).textHash)
  })

  it('refuses a version never published, naming the rule (SPEC 2.11)', () => {
    const { result } = acceptOne(catalogWith([smsVersion('1.1', 3)]), 'granted', '1.2')
    expect(result).toMatchObject({ ok: false, reason: 'unknown-notice-version' })
  })

  it('refuses new grants on a retired purpose and always takes withdrawals (SPEC 2.15)', () => {
    const purposes = seeded.purposes.map((p) => (p.id === P ? { ...p, status: 'retired' as const } : p))
    const catalog = catalogWith([], purposes)
    expect(acceptOne(catalog, 'granted', '1.0').result).toMatchObject({
      ok: false,
      reason: 'purpose-retired',
    })
    expect(acceptOne(catalog, 'withdrawn', '1.0').result).toMatchObject({ ok: true, changed: true })
  })
})

describe('re-consent and expiry (SPEC 3.8–3.10)', () => {
  const NOW = Date.parse('2026-12-01T12:00:00Z')
  const grantUnder = (catalog: PurposeCatalog, version: string) => {
    const { doc } = acceptOne(catalog, 'granted', version)
    const state = foldOne(readDecisions(doc), catalog, P)!
    return readOut(state, catalog.purposes.find((p) => p.id === P)!, {
      now: NOW,
      receivedAt: '2026-11-20T12:00:00.000Z',
    })
  }

  it('does not nag for a change that is not material', () => {
    const r = grantUnder(catalogWith([smsVersion('1.1', 3)]), '1.0')
    expect(r).toEqual({ needsReconsent: false, expired: false, effectiveState: 'granted' })
  })

  it('asks again after a material change: prompt keeps the grant, required voids it', () => {
    const prompt = grantUnder(catalogWith([smsVersion('2.0', 3, { material: true })]), '1.0')
    expect(prompt).toMatchObject({ needsReconsent: true, reconsent: 'prompt', effectiveState: 'granted' })
    const required = grantUnder(
      catalogWith([smsVersion('2.0', 3, { material: true, reconsent: 'required' }), smsVersion('2.1', 5)]),
      '1.0',
    )
    expect(required).toMatchObject({
      needsReconsent: true,
      reconsent: 'required',
      effectiveState: 'withdrawn',
    })
    // Granted under the material version itself: nothing to ask.
    const catalog = catalogWith([smsVersion('2.0', 3, { material: true, reconsent: 'required' })])
    expect(grantUnder(catalog, '2.0')).toMatchObject({ needsReconsent: false, effectiveState: 'granted' })
  })

  it('expires a grant its version’s lifetime after the server received it, at a fixed clock', () => {
    // Received 2026-11-20T12:00Z; 10 days → 2026-11-30T12:00Z, before NOW; 12 days → after it.
    const short = grantUnder(catalogWith([smsVersion('1.1', 1, { lifetimeDays: 10 })]), '1.1')
    expect(short).toMatchObject({
      expiresAt: '2026-11-30T12:00:00.000Z',
      expired: true,
      effectiveState: 'withdrawn',
    })
    const long = grantUnder(catalogWith([smsVersion('1.1', 1, { lifetimeDays: 12 })]), '1.1')
    expect(long).toMatchObject({
      expiresAt: '2026-12-02T12:00:00.000Z',
      expired: false,
      effectiveState: 'granted',
    })
  })

  it('reads a withdrawal, the default and a retired purpose as withdrawn', () => {
    const catalog = catalogWith([])
    const purpose = catalog.purposes.find((p) => p.id === P)!
    const none = foldOne([], catalog, P)!
    expect(readOut(none, purpose, { now: NOW })).toEqual({
      needsReconsent: false,
      expired: false,
      effectiveState: 'withdrawn',
    })
    const granted = foldOne(readDecisions(acceptOne(catalog, 'granted', '1.0').doc), catalog, P)!
    expect(readOut(granted, { ...purpose, status: 'retired' }, { now: NOW }).effectiveState).toBe('withdrawn')
  })
})
