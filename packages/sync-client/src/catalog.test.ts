import { DEFAULT_CATALOG, type PurposeCatalog } from '@consent-sync/consent-core'
import { afterEach, describe, expect, it } from 'vitest'
import { type EventSourceLike, type KeyValue, loadCatalog, watchCatalog } from './catalog'

async function until(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

function memoryStorage(): KeyValue & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) }
}

/** A server's catalog endpoint in miniature: what `GET /api/purposes` answers, or down. */
function fakeServer(first: PurposeCatalog) {
  const server = { catalog: first, up: true, requests: 0 }
  const fetcher = (async (input: RequestInfo | URL) => {
    server.requests++
    if (!server.up) throw new TypeError('Failed to fetch')
    expect(String(input)).toBe('http://host/api/purposes')
    return new Response(JSON.stringify(server.catalog), { headers: { 'content-type': 'application/json' } })
  }) as typeof fetch
  return { server, fetcher }
}

/** A stand-in for the browser's EventSource, driven by the test. */
class FakeEventSource implements EventSourceLike {
  static opened: FakeEventSource[] = []
  readyState = 0
  onopen: EventSourceLike['onopen'] = null
  onerror: EventSourceLike['onerror'] = null
  readonly listeners = new Map<string, ((ev: MessageEvent) => void)[]>()
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this)
  }
  addEventListener(type: string, listener: (ev: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close() {
    this.readyState = 2
  }
  /** The server's `catalog` event, as on connect and after each publish. */
  emit(version: string) {
    this.readyState = 1
    for (const l of this.listeners.get('catalog') ?? [])
      l(new MessageEvent('catalog', { data: JSON.stringify({ version }) }))
  }
  open() {
    this.readyState = 1
    this.onopen?.call(undefined as never, new Event('open'))
  }
  fail(closed: boolean) {
    this.readyState = closed ? 2 : 0
    this.onerror?.call(undefined as never, new Event('error'))
  }
}

const published = (catalog: PurposeCatalog, version: string): PurposeCatalog => ({
  version,
  purposes: catalog.purposes.map((p) => (p.id === 'marketing-sms' ? { ...p, version: '2.0' } : p)),
})

const watches: { close(): void }[] = []
afterEach(() => {
  for (const w of watches.splice(0)) w.close()
  FakeEventSource.opened = []
})

function setup(storage = memoryStorage(), retryDelay = () => 1) {
  const { server, fetcher } = fakeServer({ ...DEFAULT_CATALOG, version: 'v1' })
  const watch = watchCatalog('http://host', {
    storage,
    fetch: fetcher,
    EventSource: FakeEventSource,
    retryDelay,
  })
  watches.push(watch)
  const heard: PurposeCatalog[] = []
  watch.onChange((c) => heard.push(c))
  const state = () => watch.store.getState()
  const source = () => {
    const last = FakeEventSource.opened.at(-1)
    if (!last) throw new Error('no EventSource opened')
    return last
  }
  return { server, storage, watch, heard, state, source }
}

describe('watchCatalog', () => {
  it('fetches the catalog, caches it, and listens to the publish stream', async () => {
    const { storage, state, source } = setup()
    expect(state()).toMatchObject({ source: 'bundled', loaded: false, live: false })
    await until(() => state().source === 'server', 'the server catalog')
    expect(state().catalog.version).toBe('v1')
    expect(JSON.parse(storage.map.get('consent-sync:catalog') ?? '{}').version).toBe('v1')
    expect(source().url).toBe('http://host/api/purposes/events')
    source().open()
    expect(state().live).toBe(true)
  })

  it('re-fetches on each catalog event, re-caches, and tells listeners of a changed catalog only', async () => {
    const { server, storage, state, heard, source } = setup()
    await until(() => state().source === 'server', 'first fetch')
    source().open()
    // The event on connect: the same catalog, so nobody is told.
    source().emit('v1')
    await until(() => server.requests === 2, 'second fetch')
    await new Promise((r) => setTimeout(r, 10))
    expect(heard.map((c) => c.version)).toEqual(['v1'])

    server.catalog = published(server.catalog, 'v2')
    source().emit('v2')
    await until(() => state().catalog.version === 'v2', 'the published catalog')
    expect(state().catalog.purposes.find((p) => p.id === 'marketing-sms')?.version).toBe('2.0')
    expect(heard.map((c) => c.version)).toEqual(['v1', 'v2'])
    expect(JSON.parse(storage.map.get('consent-sync:catalog') ?? '{}').version).toBe('v2')
  })

  it('offline, starts from the cached catalog and keeps it; the bundled one only when nothing was cached', async () => {
    const storage = memoryStorage()
    storage.setItem('consent-sync:catalog', JSON.stringify({ ...DEFAULT_CATALOG, version: 'cached' }))
    const { watch } = {
      watch: watchCatalog('http://host', { storage, fetch: failing, EventSource: undefined }),
    }
    watches.push(watch)
    expect(watch.store.getState()).toMatchObject({ source: 'cache', loaded: true })
    await watch.refresh()
    expect(watch.store.getState().catalog.version).toBe('cached')

    const empty = watchCatalog('http://host', {
      storage: memoryStorage(),
      fetch: failing,
      EventSource: undefined,
    })
    watches.push(empty)
    await empty.refresh()
    expect(empty.store.getState()).toMatchObject({ source: 'bundled', loaded: true })
    expect(empty.store.getState().catalog).toBe(DEFAULT_CATALOG)
  })

  it('keeps the newest answer when two fetches cross', async () => {
    const storage = memoryStorage()
    const answers: ((c: PurposeCatalog) => void)[] = []
    const slow = (() =>
      new Promise<Response>((resolve) =>
        answers.push((c) => resolve(new Response(JSON.stringify(c)))),
      )) as unknown as typeof fetch
    const watch = watchCatalog('http://host', { storage, fetch: slow, EventSource: undefined })
    watches.push(watch)
    const second = watch.refresh()
    await until(() => answers.length === 2, 'two requests')
    answers[1]?.({ ...DEFAULT_CATALOG, version: 'new' })
    await second
    answers[0]?.({ ...DEFAULT_CATALOG, version: 'old' })
    await new Promise((r) => setTimeout(r, 10))
    expect(watch.store.getState().catalog.version).toBe('new')
  })

  it('reopens a stream the browser gave up on, and catches up from the event on connect', async () => {
    const { server, state, source } = setup()
    await until(() => state().source === 'server', 'first fetch')
    const first = source()
    first.open()
    first.fail(false)
    expect(state().live).toBe(false)
    // Still CONNECTING: the browser retries on its own, nothing is reopened.
    expect(FakeEventSource.opened).toHaveLength(1)
    first.fail(true)
    await until(() => FakeEventSource.opened.length === 2, 'a new stream')
    server.catalog = published(server.catalog, 'v3')
    source().open()
    source().emit('v3')
    await until(() => state().catalog.version === 'v3', 'caught up')
    expect(state().live).toBe(true)
  })

  it('stops listening when closed', async () => {
    const { watch, source, state, server } = setup()
    await until(() => state().source === 'server', 'first fetch')
    watch.close()
    expect(source().readyState).toBe(2)
    server.catalog = published(server.catalog, 'v4')
    source().emit('v4')
    await new Promise((r) => setTimeout(r, 10))
    expect(state().catalog.version).toBe('v1')
  })
})

const failing = (async () => {
  throw new TypeError('Failed to fetch')
}) as unknown as typeof fetch

describe('loadCatalog', () => {
  it('answers from the cache when the server cannot be reached', async () => {
    const storage = memoryStorage()
    storage.setItem('consent-sync:catalog', JSON.stringify({ ...DEFAULT_CATALOG, version: 'cached' }))
    const original = globalThis.fetch
    globalThis.fetch = failing
    try {
      expect((await loadCatalog('http://host', storage)).version).toBe('cached')
      expect(await loadCatalog('http://host', memoryStorage())).toBe(DEFAULT_CATALOG)
    } finally {
      globalThis.fetch = original
    }
  })
})
