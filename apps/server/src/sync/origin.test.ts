import { CloseCode, parseMessage } from '@consent-sync/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CSR_1, startTestServer, type TestServer } from '../testing/server'
import { until } from '../testing/until'
import { originAllowed } from './origin'

describe('originAllowed', () => {
  it.each([
    [undefined, '127.0.0.1:3001', [], true],
    ['http://127.0.0.1:3001', '127.0.0.1:3001', [], true],
    ['https://consent.example.com', 'consent.example.com', [], true],
    ['https://consent.example.com', 'consent.example.com:443', [], true],
    ['https://Consent.Example.com', 'consent.example.com', [], true],
    ['http://127.0.0.1:5173', '127.0.0.1:3001', [], false],
    ['https://evil.example', 'consent.example.com', [], false],
    ['https://consent.example.com.evil.example', 'consent.example.com', [], false],
    ['null', '127.0.0.1:3001', [], false],
    ['not a url', '127.0.0.1:3001', [], false],
    ['http://localhost:5173', '127.0.0.1:3001', ['http://localhost:5173'], true],
    ['http://localhost:5174', '127.0.0.1:3001', ['http://localhost:5173'], false],
    ['https://evil.example', undefined, [], false],
    ['https://evil.example', '127.0.0.1:3001', '*', true],
    ['null', '127.0.0.1:3001', '*', true],
  ] as const)('Origin %s, Host %s, allowed %j: %s', (origin, host, allowed, expected) => {
    expect(originAllowed(origin, host, allowed)).toBe(expected)
  })
})

describe('the sync upgrade checks Origin (DESIGN.md §5)', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.cleanup()
    server = undefined
  })

  /** Opens a sync connection from a browser on `origin` (none: a non-browser client). */
  async function connect(s: TestServer, origin?: string) {
    const ws = new WebSocket(
      `${s.syncUrl}/C-0001?token=${s.token(CSR_1)}&ack=0`,
      origin === undefined ? {} : { origin },
    )
    const frames: Uint8Array[] = []
    let closed: { code: number; reason: string } | null = null
    ws.on('message', (data: Buffer) => frames.push(new Uint8Array(data)))
    ws.on('close', (code, reason) => {
      closed = { code, reason: reason.toString() }
    })
    const outcome = await until(
      () => closed ?? (frames.some((f) => parseMessage(f).kind === 'sync-step1') ? 'let in' : null),
      5000,
      'sync step 1 or a close',
    )
    ws.close()
    return { outcome, frames }
  }

  it('lets in the server’s own origin and clients that send none; refuses others with 4403', async () => {
    const s = await startTestServer()
    server = s
    expect((await connect(s)).outcome).toBe('let in')
    expect((await connect(s, s.httpUrl)).outcome).toBe('let in')
    const refused = await connect(s, 'https://evil.example')
    expect(refused.outcome).toEqual({
      code: CloseCode.Forbidden,
      reason: 'forbidden: this origin is not allowed (ALLOWED_ORIGINS)',
    })
    // Refused before the room is opened: not one byte of the document was sent.
    expect(refused.frames).toEqual([])
    expect((await connect(s, 'http://localhost:5173')).outcome).toMatchObject({ code: CloseCode.Forbidden })
  })

  it('lets in the origins ALLOWED_ORIGINS lists, and any with *', async () => {
    const s = await startTestServer({
      env: { ALLOWED_ORIGINS: 'http://localhost:5173, https://ops.example' },
    })
    server = s
    expect((await connect(s, 'http://localhost:5173')).outcome).toBe('let in')
    expect((await connect(s, 'https://ops.example')).outcome).toBe('let in')
    expect((await connect(s, s.httpUrl)).outcome).toBe('let in')
    expect((await connect(s, 'http://localhost:5174')).outcome).toMatchObject({ code: CloseCode.Forbidden })
    await s.cleanup()

    const any = await startTestServer({ env: { ALLOWED_ORIGINS: '*' } })
    server = any
    expect((await connect(any, 'https://evil.example')).outcome).toBe('let in')
  })
})
