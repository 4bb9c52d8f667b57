/**
 * Regression (found by the soak): a peer that never answers the close handshake (a phone that
 * lost its signal, a half-open TCP connection) must not hold a closing server for ws's 30 s
 * close timeout; SIGTERM restarts were taking over 15 s with one such client connected.
 */
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { CUSTOMER_1, startTestServer } from '../testing/server'
import { until } from '../testing/until'
import { CLOSE_HANDSHAKE_MS } from './connection'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A WebSocket upgrade by hand that then reads everything and answers nothing, not even a close. */
async function silentPeer(port: number, path: string) {
  const socket: Socket = connect({ host: '127.0.0.1', port })
  let received = Buffer.alloc(0)
  let ended = false
  socket.on('data', (b: Buffer) => {
    received = Buffer.concat([received, b])
  })
  socket.on('close', () => {
    ended = true
  })
  socket.on('error', () => {})
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  )
  await until(() => received.includes('101 Switching Protocols'), 5000, 'upgrade answered')
  return {
    socket,
    get received() {
      return received
    },
    get ended() {
      return ended
    },
  }
}

describe('closing a connection whose peer never answers', () => {
  it('sends 1012 and drops the socket after the close handshake time, so app.close() ends promptly', async () => {
    const server = await startTestServer()
    cleanups.push(() => server.cleanup())
    const peer = await silentPeer(server.port, `/sync/C-0001?token=${server.token(CUSTOMER_1)}`)
    cleanups.push(() => {
      peer.socket.destroy()
    })
    await until(() => server.ctx.rooms.connectionCount() === 1, 5000, 'connected')
    const started = Date.now()
    await server.app.close()
    const took = Date.now() - started
    // The close frame went out: 0x88, then the code 1012 (0x03f4) after the length byte.
    const at = peer.received.indexOf(0x88)
    expect(at).toBeGreaterThanOrEqual(0)
    expect(peer.received.readUInt16BE(at + 2)).toBe(1012)
    expect(took).toBeLessThan(CLOSE_HANDSHAKE_MS + 3000)
    await until(() => peer.ended, 5000, 'socket dropped by the server')
  })
})
