import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEFAULT_CATALOG } from './catalog'
import { decide, decisionsOf, profileOf, readDecisions, readProfile, setProfile } from './document'
import { LANGUAGES, PROFILE_FIELDS } from './types'

const customer = { id: 'C-0001', role: 'customer' as const }
const csr = { id: 'csr1', role: 'csr' as const }

function setup() {
  const a = new Y.Doc()
  const b = new Y.Doc()
  const sync = () => {
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  }
  return { a, b, sync }
}

describe('document', () => {
  it('stores decisions as plain JSON objects in the decisions array (SPEC 1.1)', () => {
    const { a } = setup()
    const d = decide(a, {
      purposeId: 'marketing-sms',
      state: 'granted',
      actor: customer,
      channel: 'web',
      noticeVersion: '1.0',
      id: 'd-1',
      at: '2026-11-20T10:00:00Z',
    })
    expect(d).toEqual({
      id: 'd-1',
      purposeId: 'marketing-sms',
      state: 'granted',
      supersedes: [],
      at: '2026-11-20T10:00:00Z',
      actor: customer,
      channel: 'web',
      noticeVersion: '1.0',
    })
    expect(decisionsOf(a)).toBeInstanceOf(Y.Array)
    expect(readDecisions(a)).toEqual([d])
    expect(Object.getPrototypeOf(readDecisions(a)[0])).toBe(Object.prototype)
  })

  it('keeps evidence only when given, and defaults id and at (SPEC 1.1)', () => {
    const { a } = setup()
    const d = decide(a, {
      purposeId: 'marketing-sms',
      state: 'granted',
      actor: csr,
      channel: 'phone',
      noticeVersion: '1.0',
      evidence: 'call 123',
    })
    expect(d.evidence).toBe('call 123')
    expect(d.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(Number.isFinite(Date.parse(d.at))).toBe(true)
    const e = decide(a, {
      purposeId: 'marketing-sms',
      state: 'granted',
      actor: customer,
      channel: 'web',
      noticeVersion: '1.0',
    })
    expect('evidence' in e).toBe(false)
    expect(e.id).not.toBe(d.id)
  })

  it('supersedes exactly the heads of its purpose the replica holds, sorted (SPEC 2.1)', () => {
    const { a, b, sync } = setup()
    const base = {
      purposeId: 'marketing-sms',
      actor: customer,
      channel: 'web' as const,
      noticeVersion: '1.0',
    }
    const first = decide(a, { ...base, state: 'granted', id: 'd-1' })
    decide(a, { ...base, purposeId: 'marketing-email', state: 'granted', id: 'other-purpose' })
    sync()
    const z = decide(a, { ...base, state: 'withdrawn', id: 'z' })
    const y = decide(b, { ...base, state: 'granted', id: 'y', actor: csr, channel: 'phone' })
    expect(z.supersedes).toEqual(['d-1'])
    expect(y.supersedes).toEqual([first.id])
    sync()
    const resolving = decide(b, { ...base, state: 'granted', id: 'r' })
    expect(resolving.supersedes).toEqual(['y', 'z'])
  })

  it('throws on an unknown purpose when given a catalog: a caller bug (SPEC 1.4)', () => {
    const { a } = setup()
    const input = {
      purposeId: 'telepathy',
      state: 'granted' as const,
      actor: customer,
      channel: 'web' as const,
      noticeVersion: '1',
    }
    expect(() => decide(a, input, DEFAULT_CATALOG)).toThrow(/unknown purpose/)
    expect(readDecisions(a)).toEqual([])
  })

  it('overwrites profile values and reads only schema keys (SPEC 1.3)', () => {
    const { a, b, sync } = setup()
    setProfile(a, 'language', 'si')
    setProfile(a, 'language', 'ta')
    setProfile(a, 'contactChannel', 'email')
    profileOf(a).set('shoeSize', '42')
    sync()
    expect(readProfile(b)).toEqual({ language: 'ta', contactChannel: 'email' })
    expect(profileOf(b)).toBeInstanceOf(Y.Map)
  })

  it('uses only the decisions and profile roots (SPEC 1.5)', () => {
    const { a, b, sync } = setup()
    decide(a, {
      purposeId: 'marketing-sms',
      state: 'granted',
      actor: customer,
      channel: 'web',
      noticeVersion: '1.0',
    })
    setProfile(a, 'language', 'en')
    sync()
    expect([...b.share.keys()].sort()).toEqual(['decisions', 'profile'])
  })

  it('has a catalog with a version, an opt-in default and text in three languages (SPEC 1.4)', () => {
    expect(DEFAULT_CATALOG.purposes.length).toBeGreaterThan(0)
    const ids = DEFAULT_CATALOG.purposes.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const p of DEFAULT_CATALOG.purposes) {
      expect(p.version).not.toBe('')
      expect(p.default).toBe('withdrawn')
      for (const lang of LANGUAGES) {
        expect(p.title[lang].length).toBeGreaterThan(0)
        expect(p.notice[lang].length).toBeGreaterThan(0)
      }
    }
    expect(PROFILE_FIELDS.language).toEqual(LANGUAGES)
  })
})
