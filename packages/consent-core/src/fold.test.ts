import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CATALOG } from './catalog'
import { compareHeads, foldAll, foldOne, foldPurpose, headsOf } from './fold'
import type { Decision } from './types'

const P = 'marketing-sms'

function d(
  id: string,
  state: Decision['state'],
  supersedes: string[] = [],
  at = '2026-11-20T10:00:00Z',
): Decision {
  return {
    id,
    purposeId: P,
    state,
    supersedes,
    at,
    actor: { id: 'C-0001', role: 'customer' },
    channel: 'web',
    noticeVersion: '1.0',
  }
}

describe('fold', () => {
  it('heads are the decisions nothing supersedes (SPEC 3.2)', () => {
    const all = [
      d('a', 'granted'),
      d('b', 'withdrawn', ['a']),
      d('c', 'granted', ['a']),
      d('e', 'granted', ['b']),
    ]
    expect(headsOf(all).map((x) => x.id)).toEqual(['e', 'c'])
  })

  it('one head gives its state, not conflicted (SPEC 3.3)', () => {
    const s = foldPurpose(
      P,
      [d('a', 'granted'), d('b', 'withdrawn', ['a']), d('c', 'granted', ['b'])],
      'withdrawn',
    )
    expect(s).toMatchObject({ state: 'granted', conflicted: false, decision: { id: 'c' } })
    expect(s.heads.map((x) => x.id)).toEqual(['c'])
  })

  it('a withdrawal beats a later grant among concurrent heads (SPEC 3.4)', () => {
    const grant = d('g', 'granted', [], '2026-11-22T00:00:00Z')
    const withdrawal = d('w', 'withdrawn', [], '2026-11-20T00:00:00Z')
    for (const order of [
      [grant, withdrawal],
      [withdrawal, grant],
    ]) {
      const s = foldPurpose(P, order, 'granted')
      expect(s).toMatchObject({ state: 'withdrawn', conflicted: true, decision: { id: 'w' } })
      expect(s.heads.map((x) => x.id)).toEqual(['w', 'g'])
    }
  })

  it('same state: the later instant wins, zones considered (SPEC 3.4)', () => {
    // 10:00+05:30 is 04:30Z, earlier than 05:00Z despite the larger wall-clock reading.
    const early = d('z', 'granted', [], '2026-11-20T10:00:00+05:30')
    const late = d('a', 'granted', [], '2026-11-20T05:00:00Z')
    expect(foldPurpose(P, [early, late], 'withdrawn').decision?.id).toBe('a')
    expect(compareHeads(late, early)).toBeLessThan(0)
  })

  it('same state and instant: the greater id wins (SPEC 3.4)', () => {
    const x = d('x', 'withdrawn', [], '2026-11-20T10:00:00Z')
    const y = d('y', 'withdrawn', [], '2026-11-20T10:00:00.000Z')
    expect(foldPurpose(P, [x, y], 'granted').decision?.id).toBe('y')
    expect(foldPurpose(P, [y, x], 'granted').decision?.id).toBe('y')
    expect(compareHeads(x, x)).toBe(0)
  })

  it('a decision superseding all heads resolves the conflict (SPEC 3.5)', () => {
    const conflicted = [d('g', 'granted'), d('w', 'withdrawn')]
    expect(foldPurpose(P, conflicted, 'withdrawn').conflicted).toBe(true)
    const resolved = foldPurpose(P, [...conflicted, d('r', 'granted', ['g', 'w'])], 'withdrawn')
    expect(resolved).toMatchObject({ state: 'granted', conflicted: false, decision: { id: 'r' } })
    // Superseding only one of them leaves a conflict.
    expect(foldPurpose(P, [...conflicted, d('r', 'granted', ['w'])], 'withdrawn').conflicted).toBe(true)
  })

  it('no decision: the catalog default, every purpose in catalog order (SPEC 3.6)', () => {
    expect(foldPurpose(P, [], 'granted')).toEqual({
      purposeId: P,
      state: 'granted',
      conflicted: false,
      heads: [],
    })
    const all = foldAll([d('a', 'granted')], DEFAULT_CATALOG)
    expect(all.map((s) => s.purposeId)).toEqual(DEFAULT_CATALOG.purposes.map((p) => p.id))
    for (const s of all) {
      const expected = s.purposeId === P ? 'granted' : 'withdrawn'
      expect(s.state).toBe(expected)
      if (s.purposeId !== P) expect(s.decision).toBeUndefined()
    }
    expect(foldOne([], DEFAULT_CATALOG, 'telepathy')).toBeUndefined()
    expect(foldOne([d('a', 'granted')], DEFAULT_CATALOG, P)?.state).toBe('granted')
  })

  it('foldPurpose ignores decisions of other purposes', () => {
    const other = { ...d('o', 'granted'), purposeId: 'marketing-email' }
    expect(foldPurpose(P, [other], 'withdrawn')).toMatchObject({ state: 'withdrawn', heads: [] })
  })

  it('a decision made after seeing another wins whatever the clocks say (SPEC 3.7)', () => {
    const seen = d('seen', 'withdrawn', [], '2026-11-22T00:00:00Z')
    const after = d('after', 'granted', ['seen'], '2026-11-18T00:00:00Z')
    expect(foldPurpose(P, [after, seen], 'withdrawn')).toMatchObject({ state: 'granted', conflicted: false })
  })

  it('is a function of the set of decisions: any order, duplicates (SPEC 3.1)', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f']
    const arbDecisions = fc
      .array(
        fc.record({
          state: fc.constantFrom('granted' as const, 'withdrawn' as const),
          purpose: fc.constantFrom(P, 'marketing-email'),
          supersedes: fc.subarray(ids),
          minute: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: 1, maxLength: ids.length },
      )
      .map((rs) =>
        rs.map((r, i) => ({
          ...d(
            ids[i]!,
            r.state,
            r.supersedes.filter((s) => s !== ids[i]),
          ),
          purposeId: r.purpose,
          at: `2026-11-20T10:0${r.minute}:00Z`,
        })),
      )
    fc.assert(
      fc.property(
        arbDecisions.chain((ds) =>
          fc.tuple(fc.constant(ds), fc.shuffledSubarray([...ds, ...ds], { minLength: ds.length * 2 })),
        ),
        ([ds, shuffledWithDuplicates]) => {
          expect(JSON.stringify(foldAll(shuffledWithDuplicates, DEFAULT_CATALOG))).toBe(
            JSON.stringify(foldAll(ds, DEFAULT_CATALOG)),
          )
        },
      ),
      { numRuns: 500 },
    )
  })
})
