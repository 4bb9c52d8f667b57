import type { Decision } from '@consent-sync/consent-core'
import { type ConsentHandle, createConsentState } from '@consent-sync/sync-client'
import { act, render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { type OnArrival, useArrivals, watchArrivals } from './arrivals'

function decision(id: string, actorId: string, at: string): Decision {
  return {
    id,
    purposeId: 'marketing-sms',
    state: 'granted',
    supersedes: [],
    at,
    actor: { id: actorId, role: actorId.startsWith('csr') ? 'csr' : 'customer' },
    channel: actorId.startsWith('csr') ? 'phone' : 'web',
    noticeVersion: '1.0',
  }
}

/** Newest device time first, as `ConsentState.history` holds them. */
const history = (...ds: Decision[]) => [...ds].sort((a, b) => b.at.localeCompare(a.at))

const OLD = decision('old', 'csr1', '2026-01-01T10:00:00Z')
const LOCAL = decision('local', 'C-0001', '2026-01-02T10:00:00Z')
const CAUGHT_UP = decision('caught-up', 'csr2', '2026-01-03T10:00:00Z')

describe('watchArrivals', () => {
  it('takes what the page holds at its first sync for history, also the catch-up from the server', () => {
    const next = watchArrivals('C-0001')
    // Loaded from IndexedDB, not yet synced.
    expect(next({ synced: false, history: history(OLD, LOCAL) })).toEqual([])
    // The server's catch-up lands before the sync is complete.
    expect(next({ synced: false, history: history(OLD, LOCAL, CAUGHT_UP) })).toEqual([])
    expect(next({ synced: true, history: history(OLD, LOCAL, CAUGHT_UP) })).toEqual([])
  })

  it("tells of others' decisions after the first sync, once each, oldest first", () => {
    const next = watchArrivals('C-0001')
    next({ synced: true, history: history(OLD) })
    const a = decision('a', 'csr1', '2026-02-01T10:00:00Z')
    const b = decision('b', 'csr2', '2026-02-01T10:05:00Z')
    expect(next({ synced: true, history: history(OLD, a, b) })).toEqual([a, b])
    expect(next({ synced: true, history: history(OLD, a, b) })).toEqual([])
  })

  it("never tells of the person's own decisions, from this device or another", () => {
    const next = watchArrivals('C-0001')
    next({ synced: true, history: [] })
    const own = decision('own', 'C-0001', '2026-02-01T10:00:00Z')
    expect(next({ synced: true, history: history(own) })).toEqual([])
  })

  it('tells of what arrives in the catch-up of a reconnect while the page stayed open', () => {
    const next = watchArrivals('csr1')
    next({ synced: true, history: history(OLD) })
    // Disconnected: `synced` goes false; the customer decided meanwhile.
    expect(next({ synced: false, history: history(OLD) })).toEqual([])
    const meanwhile = decision('meanwhile', 'C-0001', '2026-02-01T10:00:00Z')
    expect(next({ synced: false, history: history(OLD, meanwhile) })).toEqual([meanwhile])
  })
})

/** The customer's page, told of arrivals on `handle`. */
function Page({ handle, onArrival }: { handle: ConsentHandle; onArrival: OnArrival }) {
  useArrivals(handle, 'C-0001', onArrival)
  return null
}

describe('useArrivals', () => {
  /** A handle whose store is the sync client's own. */
  function setup() {
    const store = createConsentState()
    // The hook reads `handle.store` only; the rest of a handle would need a server.
    const handle = { store } as unknown as ConsentHandle
    const told: string[] = []
    const view = render(<Page handle={handle} onArrival={(d) => told.push(`first:${d.id}`)} />)
    return { store, handle, told, view, cleanup: () => view.unmount() }
  }

  it("calls back with others' decisions arriving after the first sync, with the latest callback", () => {
    const { store, handle, told, view, cleanup } = setup()
    const old = decision('d-old', 'csr1', '2026-02-01T09:00:00Z')
    act(() => store.setState({ history: [old], synced: true }))
    const mine = decision('d-mine', 'C-0001', '2026-02-01T10:00:00Z')
    const agents = decision('d-agent', 'csr1', '2026-02-01T10:01:00Z')
    act(() => store.setState({ history: history(old, mine, agents) }))
    expect(told).toEqual(['first:d-agent'])
    view.rerender(<Page handle={handle} onArrival={(d) => told.push(`second:${d.id}`)} />)
    const again = decision('d-again', 'csr2', '2026-02-01T10:02:00Z')
    act(() => store.setState({ history: history(old, mine, agents, again) }))
    expect(told).toEqual(['first:d-agent', 'second:d-again'])
    cleanup()
  })
})
