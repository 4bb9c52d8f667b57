import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CSR_1, startTestServer, type TestServer } from '../testing/server'
import { until } from '../testing/until'
import { REDACTED, redactLogText, redactUrl } from './redact'

/** Shaped like a real token (the tests below use real signed ones). */
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjc3IxIn0.c2lnbmF0dXJl'

describe('redactUrl', () => {
  it.each([
    ['/sync/C-0001?token=abc.def.ghi', '/sync/C-0001?token=[redacted]'],
    ['/sync/C-0001?ack=0&token=abc&x=1', '/sync/C-0001?ack=0&token=[redacted]&x=1'],
    ['/api/feed?TOKEN=abc', '/api/feed?TOKEN=[redacted]'],
    ['/api/feed?%74oken=abc', '/api/feed?%74oken=[redacted]'],
    ['/api/feed?%74%6F%6B%65%6E=abc', '/api/feed?%74%6F%6B%65%6E=[redacted]'],
    ['/api/feed?To%6Ben=abc', '/api/feed?To%6Ben=[redacted]'],
    ['/api/feed?token=a&token=b&%74oken=c', '/api/feed?token=[redacted]&token=[redacted]&%74oken=[redacted]'],
    ['/api/feed?+token=abc', '/api/feed?+token=[redacted]'],
    // Malformed escapes do not stop the reading; a key the parser keeps raw is not `token`.
    ['/api/feed?x=%zz&%74oken=abc&token=%E0%A4%A', '/api/feed?x=%zz&%74oken=[redacted]&token=[redacted]'],
    ['/api/feed?%74oken%zz=abc', '/api/feed?%74oken%zz=abc'],
    ['/api/feed?token', '/api/feed?token'],
    // The router starts the query at a `#` as well as at a `?`.
    ['/api/feed#token=abc', '/api/feed#token=[redacted]'],
    ['/api/purposes?tokens=1&tok=2', '/api/purposes?tokens=1&tok=2'],
    ['/api/purposes', '/api/purposes'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted)
  })

  it('redacts anything shaped like a JWT, whatever the parameter, and in the path', () => {
    expect(redactUrl(`/api/feed?auth=${JWT}&x=1`)).toBe(`/api/feed?auth=${REDACTED}&x=1`)
    expect(redactUrl(`/api/feed?auth=${JWT.replaceAll('.', '%2E')}`)).toBe(`/api/feed?auth=${REDACTED}`)
    expect(redactUrl(`/api/${JWT}/x`)).toBe(`/api/${REDACTED}/x`)
    expect(redactUrl(`/api/feed?${JWT}`)).toBe(`/api/feed?${REDACTED}`)
  })
})

describe('redactLogText', () => {
  it('redacts token parameters of URLs quoted in a message, and JWTs anywhere', () => {
    expect(redactLogText('Reply was already sent in the "/x?a=1&%74oken=abc" (GET) route')).toBe(
      'Reply was already sent in the "/x?a=1&%74oken=[redacted]" (GET) route',
    )
    expect(redactLogText(`{"path":"/api/feed?Token=abc","msg":"closed"}`)).toBe(
      `{"path":"/api/feed?Token=${REDACTED}","msg":"closed"}`,
    )
    expect(redactLogText(`invalid signature on ${JWT}`)).toBe(`invalid signature on ${REDACTED}`)
    expect(redactLogText('a=1 and b=2 and tokens=3')).toBe('a=1 and b=2 and tokens=3')
  })
})

/**
 * Spellings of the `token` parameter: the ones Fastify's query parser reads as `token` (the
 * request succeeds), and ones it does not (refused), which must not reach the log either.
 */
const ACCEPTED = ['token', '%74oken', '%74%6F%6B%65%6E', 'tok%65n', 'to%6Ben']
const REFUSED = ['TOKEN', '%54oken', '+token', '%74oken%zz']

describe('the server log', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.cleanup()
    server = undefined
  })

  async function start() {
    const lines: string[] = []
    server = await startTestServer({
      env: { LOG_LEVEL: 'info' },
      logger: { stream: { write: (line: string) => lines.push(line) } },
    })
    return { s: server, lines, token: server.token(CSR_1) }
  }

  it('never holds a token sent as ?token= on the HTTP feed, however the name is encoded', async () => {
    const { s, lines, token } = await start()
    for (const key of ACCEPTED) {
      const res = await fetch(`${s.httpUrl}/api/feed?${key}=${token}`)
      expect(res.status, key).toBe(200)
      await res.body?.cancel()
    }
    // The value percent-encoded: the parser decodes it into the token.
    const dotted = await fetch(`${s.httpUrl}/api/feed?token=${token.replaceAll('.', '%2E')}`)
    expect(dotted.status).toBe(200)
    await dotted.body?.cancel()
    for (const key of REFUSED) {
      const res = await fetch(`${s.httpUrl}/api/feed?${key}=${token}`)
      expect(res.status, key).toBe(401)
    }
    const repeated = await fetch(`${s.httpUrl}/api/feed?token=${token}&%74oken=${token}`)
    await repeated.body?.cancel()
    const other = await fetch(`${s.httpUrl}/api/nowhere?x=1&To%6Ben=${token}`)
    expect(other.status).toBe(404)

    const sent = ACCEPTED.length + 1 + REFUSED.length + 2
    await until(() => lines.filter((l) => l.includes('"incoming request"')).length >= sent)
    const log = lines.join('')
    expect(log).not.toContain(token)
    expect(log).not.toContain(token.replaceAll('.', '%2E'))
    expect(log).toContain(`/api/feed?%74oken=${REDACTED}`)
    expect(log).toContain(`/api/nowhere?x=1&To%6Ben=${REDACTED}`)
  })

  it('never holds a token sent on the sync upgrade, however the name is encoded', async () => {
    const { s, lines, token } = await start()
    const open = async (query: string) => {
      const ws = new WebSocket(`${s.syncUrl}/C-0001?${query}&ack=0`)
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
      await new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
      })
      return { ws, closed }
    }
    const opened = () => lines.filter((l) => l.includes('"sync connection open"')).length
    for (const key of ACCEPTED) {
      const before = opened()
      const { ws } = await open(`${key}=${token}`)
      await until(() => opened() > before || ws.readyState !== ws.OPEN, 5000, `${key}: connection opened`)
      expect(ws.readyState, key).toBe(ws.OPEN)
      ws.close()
    }
    for (const key of REFUSED) {
      const { closed } = await open(`${key}=${token}`)
      expect(await closed, key).toBe(4401)
    }
    // Upgrading a path that has no WebSocket: refused, and logged with the URL redacted.
    const stray = new WebSocket(`${s.httpUrl.replace('http', 'ws')}/api/purposes?%74oken=${token}`)
    await new Promise((resolve) => stray.on('close', resolve).on('error', resolve))
    await until(() => lines.some((l) => l.includes('no WebSocket endpoint here')))

    await until(
      () => lines.filter((l) => l.includes('"sync upgrade"')).length >= ACCEPTED.length + REFUSED.length,
    )
    const log = lines.join('')
    expect(log).not.toContain(token)
    expect(log).toContain(`/sync/C-0001?%74oken=${REDACTED}&ack=0`)
    expect(log).toContain(`/api/purposes?%74oken=${REDACTED}`)
  })
})
