import { DEFAULT_CATALOG, type PurposeCatalog } from '@consent-sync/consent-core'
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useCatalog } from './catalog'

/** The browser's EventSource in miniature: the test sends the server's `catalog` events. */
class FakeEventSource {
  static opened: FakeEventSource[] = []
  readyState = 1
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  closed = false
  private readonly listeners: (() => void)[] = []
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this)
  }
  addEventListener(_type: string, listener: () => void) {
    this.listeners.push(listener)
  }
  close() {
    this.closed = true
  }
  publish() {
    for (const l of this.listeners) l()
  }
}

let served: PurposeCatalog
beforeEach(() => {
  served = { ...DEFAULT_CATALOG, version: 'v1' }
  FakeEventSource.opened = []
  vi.stubGlobal('EventSource', FakeEventSource)
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify(served)))
})
afterEach(() => {
  // Unmounted, so the page's shared watch closes between tests.
  cleanup()
  vi.unstubAllGlobals()
  localStorage.clear()
})

function Titles() {
  const { catalog, loaded } = useCatalog()
  return (
    <ul data-loaded={String(loaded)}>
      {catalog.purposes.map((p) => (
        <li key={p.id}>{p.title.en}</li>
      ))}
    </ul>
  )
}

describe('useCatalog', () => {
  it('re-renders with a catalog published while the page is open', async () => {
    render(<Titles />)
    await waitFor(() => expect(screen.getByRole('list').getAttribute('data-loaded')).toBe('true'))
    expect(screen.queryByText('Marketing messages by RCS')).toBeNull()
    const first = served.purposes[0]
    if (!first) throw new Error('empty catalog')
    served = {
      version: 'v2',
      purposes: [
        ...served.purposes,
        { ...first, id: 'marketing-rcs', title: { ...first.title, en: 'Marketing messages by RCS' } },
      ],
    }
    act(() => FakeEventSource.opened[0]?.publish())
    await screen.findByText('Marketing messages by RCS')
    expect(JSON.parse(localStorage.getItem('consent-sync:catalog') ?? '{}').version).toBe('v2')
  })

  it('shares one stream between the components that read it, and closes it after the last', async () => {
    const a = renderHook(() => useCatalog())
    const b = renderHook(() => useCatalog())
    await waitFor(() => expect(b.result.current.loaded).toBe(true))
    expect(FakeEventSource.opened).toHaveLength(1)
    expect(FakeEventSource.opened[0]?.url).toBe('/api/purposes/events')
    a.unmount()
    expect(FakeEventSource.opened[0]?.closed).toBe(false)
    b.unmount()
    expect(FakeEventSource.opened[0]?.closed).toBe(true)
  })
})
