import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type AuditContext,
  type AuditEntry,
  type AuditRecord,
  auditEntriesFor,
  chain,
  chainAll,
  entryHash,
  GENESIS,
  GENESIS_HASH,
  verifyChain,
} from './audit'
import { DEFAULT_CATALOG, findPurpose } from './catalog'
import { canonicalJson, sha256Hex } from './hash'
import { noticeTextHash } from './notice-version'
import type { Decision } from './types'

const ctx: AuditContext = {
  customerId: 'C-0001',
  receivedAt: '2026-11-20T10:00:05.123Z',
  connectionId: 'conn-7',
  updateHash: 'f'.repeat(64),
  user: { id: 'csr1', role: 'csr' },
}

function d(
  id: string,
  state: Decision['state'],
  supersedes: string[] = [],
  purposeId = 'marketing-sms',
): Decision {
  return {
    id,
    purposeId,
    state,
    supersedes,
    at: '2026-11-19T22:00:00+05:30',
    actor: { id: 'csr1', role: 'csr' },
    channel: 'phone',
    noticeVersion: '1.0',
  }
}

function setup(n = 5) {
  const records: AuditRecord[] = auditEntriesFor(
    [],
    Array.from({ length: n }, (_, i) =>
      d(`d-${i}`, i % 2 ? 'withdrawn' : 'granted', i === 0 ? [] : [`d-${i - 1}`]),
    ),
    ctx,
    DEFAULT_CATALOG,
  )
  const entries = chainAll(GENESIS, records)
  return { records, entries }
}

describe('audit records', () => {
  it('one record per decision with every field, actor from the connection (SPEC 4.1, 4.2)', () => {
    const decision = { ...d('x', 'granted'), evidence: 'ticket 88' }
    // The decision names another actor; validation forbids that, but the record trusts only ctx.
    const named = { ...decision, actor: { id: 'someone-else', role: 'customer' as const } }
    const [record, ...rest] = auditEntriesFor([], [named], ctx, DEFAULT_CATALOG)
    expect(rest).toEqual([])
    expect(record).toEqual({
      customerId: 'C-0001',
      purposeId: 'marketing-sms',
      decisionId: 'x',
      decision: 'granted',
      previousState: 'withdrawn',
      newState: 'granted',
      conflicted: false,
      actorId: 'csr1',
      actorRole: 'csr',
      channel: 'phone',
      noticeVersion: '1.0',
      // The hash of the text that version shows (SPEC 4.5).
      noticeHash: noticeTextHash('marketing-sms', '1.0', findPurpose(DEFAULT_CATALOG, 'marketing-sms')!),
      evidence: 'ticket 88',
      deviceAt: '2026-11-19T22:00:00+05:30',
      receivedAt: '2026-11-20T10:00:05.123Z',
      connectionId: 'conn-7',
      updateHash: 'f'.repeat(64),
    })
    expect(auditEntriesFor([], [d('y', 'granted')], ctx, DEFAULT_CATALOG)[0]?.evidence).toBeNull()
  })

  it('previous and new state follow the decisions in order within an update (SPEC 4.3)', () => {
    const before = [d('a', 'granted')]
    const added = [
      d('b', 'withdrawn', ['a']),
      d('c', 'granted', ['a']), // concurrent with b: conflicted, withdrawal wins
      d('e', 'withdrawn', [], 'marketing-email'),
      d('f', 'granted', ['b', 'c']),
    ]
    const records = auditEntriesFor(before, added, ctx, DEFAULT_CATALOG)
    expect(records.map((r) => [r.decisionId, r.previousState, r.newState, r.conflicted])).toEqual([
      ['b', 'granted', 'withdrawn', false],
      ['c', 'withdrawn', 'withdrawn', true],
      ['e', 'withdrawn', 'withdrawn', false],
      ['f', 'withdrawn', 'granted', false],
    ])
  })

  it('throws for a purpose outside the catalog: validation lets none through', () => {
    expect(() => auditEntriesFor([], [d('x', 'granted', [], 'telepathy')], ctx, DEFAULT_CATALOG)).toThrow()
  })
})

describe('hash chain', () => {
  it('sha256Hex matches the FIPS 180-2 vector for "abc" (SPEC 5.1)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'))
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('canonicalJson is the plain sorted-keys definition of SPEC 5.1, on any JSON value', () => {
    // The definition, written plainly: the fast paths must agree with it byte for byte.
    const reference = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v)
      if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${reference(x)}`).join(',')}}`
    }
    const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '01', 'seq', 'hash'))
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(key, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 6 }),
      ),
    })).value
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(v)).toBe(reference(v))
      }),
      { numRuns: 2000 },
    )
  })

  it('canonicalJson keeps a "__proto__" key as a key, flat or nested', () => {
    const flat = JSON.parse('{"b":1,"__proto__":"x"}') as object
    expect(canonicalJson(flat)).toBe('{"__proto__":"x","b":1}')
    expect(canonicalJson([flat, { a: flat }])).toBe('[{"__proto__":"x","b":1},{"a":{"__proto__":"x","b":1}}]')
  })

  it('canonicalJson does not depend on key order, at any depth (SPEC 5.1)', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: null }, c: 'é' }
    const b = { c: 'é', a: { x: null, y: [1, { p: 2, q: 1 }] }, b: 1 }
    expect(canonicalJson(a)).toBe(canonicalJson(b))
    expect(canonicalJson(a)).toBe('{"a":{"x":null,"y":[1,{"p":2,"q":1}]},"b":1,"c":"é"}')
    expect(canonicalJson({ a: 1, gone: undefined })).toBe('{"a":1}')
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]))
  })

  it('hashes every field but hash, starting from genesis (SPEC 5.1, 5.2)', () => {
    const { records, entries } = setup()
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect(entries[0]?.prevHash).toBe(GENESIS_HASH)
    expect(GENESIS_HASH).toBe('0'.repeat(64))
    for (const [i, e] of entries.entries()) {
      if (i > 0) expect(e.prevHash).toBe(entries[i - 1]?.hash)
      const { hash, ...rest } = e
      expect(hash).toBe(sha256Hex(canonicalJson(rest)))
      expect(hash).toMatch(/^[0-9a-f]{64}$/)
      expect(entryHash(e)).toBe(hash)
    }
    expect(chain(GENESIS, records[0]!)).toEqual(entries[0])
    expect(verifyChain(entries)).toEqual({ ok: true, head: { seq: 5, hash: entries[4]!.hash } })
    // A chain continues from a stored head.
    expect(verifyChain(entries.slice(2), { seq: 2, hash: entries[1]!.hash })).toMatchObject({ ok: true })
    expect(verifyChain([])).toEqual({ ok: true, head: GENESIS })
  })

  it('detects a change to any field of any entry (SPEC 5.3)', () => {
    const { entries } = setup()
    const keys = Object.keys(entries[0]!) as (keyof AuditEntry)[]
    // Every field of an entry, its notice hash included (SPEC 4.5).
    expect(keys).toHaveLength(20)
    for (let index = 0; index < entries.length; index++) {
      for (const key of keys) {
        const tampered = entries.map((e) => ({ ...e }))
        const entry = tampered[index]!
        const value = entry[key]
        ;(entry as unknown as Record<string, unknown>)[key] =
          typeof value === 'number'
            ? value + 1
            : typeof value === 'boolean'
              ? !value
              : value === null
                ? 'x'
                : `${value}x`
        const verdict = verifyChain(tampered)
        expect(verdict, `${key} of entry ${index}`).toMatchObject({ ok: false, index })
        const expected =
          key === 'seq'
            ? 'seq-gap'
            : key === 'prevHash'
              ? 'broken-link'
              : key === 'customerId' && index > 0
                ? 'wrong-customer'
                : 'hash-mismatch'
        expect(verdict, `${key} of entry ${index}`).toMatchObject({ reason: expected })
      }
    }
  })

  it('detects a removed entry (SPEC 5.3)', () => {
    const { entries } = setup()
    for (let index = 0; index < entries.length - 1; index++) {
      const removed = entries.filter((_, i) => i !== index)
      expect(verifyChain(removed)).toMatchObject({ ok: false, index, seq: index + 2, reason: 'seq-gap' })
    }
    // The last one only shows against a head kept elsewhere.
    const verdict = verifyChain(entries.slice(0, -1))
    expect(verdict.ok && verdict.head.hash).not.toBe(entries.at(-1)!.hash)
  })

  it('detects reordered entries (SPEC 5.3)', () => {
    const { entries } = setup()
    for (let index = 0; index < entries.length - 1; index++) {
      const swapped = [...entries]
      ;[swapped[index], swapped[index + 1]] = [swapped[index + 1]!, swapped[index]!]
      expect(verifyChain(swapped)).toMatchObject({ ok: false, index, reason: 'seq-gap' })
    }
  })

  it('detects an inserted entry, even one chained correctly to its predecessor (SPEC 5.3)', () => {
    const { records, entries } = setup()
    const forgedRecord: AuditRecord = { ...records[0]!, decisionId: 'forged', decision: 'granted' }
    for (let index = 1; index < entries.length; index++) {
      const forged = chain(entries[index - 1]!, forgedRecord)
      const inserted = [...entries.slice(0, index), forged, ...entries.slice(index)]
      // The forged entry itself is consistent; the original that follows it is not.
      expect(verifyChain(inserted)).toMatchObject({ ok: false, index: index + 1, reason: 'seq-gap' })
      // Renumbering what follows does not help: its prevHash no longer matches.
      const renumbered = inserted.map((e, i) => (i > index ? { ...e, seq: e.seq + 1 } : e))
      expect(verifyChain(renumbered)).toMatchObject({ ok: false, index: index + 1, reason: 'broken-link' })
    }
    const foreign = { ...chain(entries.at(-1)!, forgedRecord), customerId: 'C-0002' }
    const withForeign = [...entries, { ...foreign, hash: entryHash(foreign) }]
    expect(verifyChain(withForeign)).toMatchObject({ ok: false, index: 5, reason: 'wrong-customer' })
  })
})
