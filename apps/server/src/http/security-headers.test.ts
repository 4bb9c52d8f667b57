import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir, testServer } from '../testing/per-test'
import { readUntil } from '../testing/streams'

/** A web root with a built /customer/ (an index and a script) and nothing else built. */
async function webRoot(): Promise<string> {
  const dir = await tempDir()
  const dist = path.join(dir, 'apps', 'customer-web', 'dist')
  mkdirSync(path.join(dist, 'assets'), { recursive: true })
  writeFileSync(
    path.join(dist, 'index.html'),
    '<!doctype html><script type="module" src="assets/a.js"></script>',
  )
  writeFileSync(path.join(dist, 'assets', 'a.js'), 'export {}\n')
  return dir
}

function expectHardened(res: Response, what: string): void {
  const csp = res.headers.get('content-security-policy') ?? ''
  expect(csp, what).toContain("default-src 'self'")
  expect(csp, what).toContain("script-src 'self'")
  expect(csp, what).toContain("connect-src 'self'")
  expect(csp, what).toContain("frame-ancestors 'none'")
  expect(csp, what).toContain("object-src 'none'")
  expect(csp, what).not.toContain('unsafe-eval')
  // Would send a page served over plain HTTP to https:// for its own files and its WebSocket.
  expect(csp, what).not.toContain('upgrade-insecure-requests')
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff')
  expect(res.headers.get('x-frame-options'), what).toBe('DENY')
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer')
}

describe('browser hardening headers', () => {
  it('are on every page, script and API answer, errors included', async () => {
    const server = await testServer({ env: { WEB_ROOT: await webRoot() } })
    const token = server.token({ id: 'csr1', role: 'csr' })
    const answers: [string, Response][] = [
      ['/', await server.get('/')],
      ['/index.css', await server.get('/index.css')],
      ['/customer/', await server.get('/customer/')],
      ['/customer/assets/a.js', await server.get('/customer/assets/a.js')],
      ['/csr/ (not built)', await server.get('/csr/')],
      ['/api/purposes', await server.get('/api/purposes')],
      ['/api/customers (401)', await server.get('/api/customers?q=x')],
      ['/api/customers (400)', await server.get('/api/customers?q=', token)],
      ['/api/nowhere (404)', await server.get('/api/nowhere')],
      ['/healthz', await server.get('/healthz')],
      ['/metrics', await server.get('/metrics')],
    ]
    for (const [what, res] of answers) {
      expectHardened(res, what)
      await res.body?.cancel()
    }
    expect(answers.map(([what, res]) => `${what} ${res.status}`)).toContain('/customer/ 200')
    expect((await server.get('/')).headers.get('content-type')).toMatch(/^text\/html/)
  })

  it('are on the live feed, whose answer is written by hand', async () => {
    const server = await testServer()
    const token = server.token({ id: 'csr1', role: 'csr' })
    const res = await server.get(`/api/feed?token=${token}`)
    expect(res.status).toBe(200)
    expectHardened(res, '/api/feed')
    const reader = res.body?.getReader()
    if (!reader) throw new Error('no body')
    await readUntil(reader, (text) => text.includes(': connected'))
    await reader.cancel()
  })

  it('give /docs (Swagger UI) inline styles and nothing else more', async () => {
    const server = await testServer()
    for (const p of ['/docs', '/docs/static/index.html', '/docs/static/swagger-initializer.js']) {
      const res = await server.get(p)
      expect(res.status, p).toBe(200)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp, p).toContain("style-src 'self' 'unsafe-inline'")
      expect(csp, p).toContain("script-src 'self';")
      expect(csp, p).toContain("frame-ancestors 'none'")
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff')
      await res.body?.cancel()
    }
    // The pages keep the strict style-src.
    expect((await server.get('/')).headers.get('content-security-policy')).toContain("style-src 'self';")
  })
})
