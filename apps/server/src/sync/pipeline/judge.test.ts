import { DEFAULT_CATALOG, DEFAULT_LIMITS, GENESIS } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { LiveDocument } from '../live-document'
import type { Peer } from '../peer'
import { isEmptyUpdate, judge, ResyncBudget } from './judge'

const peer = {
  id: 'p1',
  user: { id: 'C-0001', role: 'customer', customerId: 'C-0001', name: 'C' },
  closed: false,
} as unknown as Peer

describe('judge', () => {
  it("answers a client's empty step 2 as unchanged without judging it on the shadow", () => {
    // A client with nothing the server lacks answers step 1 with exactly these bytes.
    const empty = Y.encodeStateAsUpdate(new Y.Doc(), Y.encodeStateVector(new Y.Doc()))
    expect(isEmptyUpdate(empty)).toBe(true)
    let judged = 0
    const live = {
      judging: () => {
        judged++
        throw new Error('the shadow was asked for')
      },
    } as unknown as LiveDocument
    const verdict = judge({
      incoming: { peer, update: empty, receivedAt: new Date().toISOString(), receivedAtMs: 0 },
      live,
      head: GENESIS,
      customerId: 'C-0001',
      catalog: DEFAULT_CATALOG,
      limits: DEFAULT_LIMITS,
      resyncs: new ResyncBudget(),
    })
    expect(verdict).toEqual({ kind: 'unchanged' })
    expect(judged).toBe(0)
  })

  it('does not take an update with content, or bytes that are not an update, for the empty one', () => {
    const doc = new Y.Doc()
    doc.getMap('profile').set('name', 'x')
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(doc))).toBe(false)
    expect(isEmptyUpdate(new Uint8Array([0]))).toBe(false)
    expect(isEmptyUpdate(new Uint8Array([0, 0, 0]))).toBe(false)
    expect(isEmptyUpdate(new Uint8Array([0, 1]))).toBe(false)
  })
})
