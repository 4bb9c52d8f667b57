import { DEFAULT_CATALOG, type NoticeVersion, noticeTextHash } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import type { KeyValue } from './catalog'
import { loadNoticeVersion } from './notice-versions'

function memoryStorage(): KeyValue {
  const map = new Map<string, string>()
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) }
}

const sms = DEFAULT_CATALOG.purposes.find((p) => p.id === 'marketing-sms')
if (!sms) throw new Error('no marketing-sms')
const VERSION: NoticeVersion = {
  purposeId: sms.id,
  version: sms.version,
  title: sms.title,
  notice: sms.notice,
  textHash: noticeTextHash(sms.id, sms.version, sms),
  material: false,
  publishedAt: '2026-11-01T00:00:00.000Z',
  publishedBy: 'consent-sync',
}

function setup() {
  const server = { up: true, urls: [] as string[] }
  const fetcher = (async (input: RequestInfo | URL) => {
    server.urls.push(String(input))
    if (!server.up) throw new TypeError('Failed to fetch')
    if (String(input).endsWith(`/versions/${VERSION.version}`)) return new Response(JSON.stringify(VERSION))
    return new Response(JSON.stringify({ error: 'unknown-version', message: 'no such version' }), {
      status: 404,
    })
  }) as typeof fetch
  return { server, options: { storage: memoryStorage(), fetch: fetcher } }
}

describe('loadNoticeVersion', () => {
  it('fetches the texts of a published version once, then answers from the cache, offline too', async () => {
    const { server, options } = setup()
    const first = await loadNoticeVersion('http://host', sms.id, VERSION.version, options)
    expect(first).toEqual({ ok: true, value: VERSION })
    expect(server.urls).toEqual([`http://host/api/purposes/marketing-sms/versions/${VERSION.version}`])
    server.up = false
    expect(await loadNoticeVersion('http://host', sms.id, VERSION.version, options)).toEqual(first)
    expect(server.urls).toHaveLength(1)
  })

  it('says which: a version the server does not know, or a server out of reach', async () => {
    const { server, options } = setup()
    expect(await loadNoticeVersion('http://host', sms.id, '9.9', options)).toMatchObject({
      ok: false,
      reason: 'not-found',
    })
    server.up = false
    expect(await loadNoticeVersion('http://host', sms.id, '0.1', options)).toMatchObject({
      ok: false,
      reason: 'unreachable',
    })
  })
})
