/**
 * Regression (found by the soak): a peer that never answers the close handshake (a phone that
 * lost its signal, a half-open TCP connection) must not hold a closing server for ws's 30 s
 * close timeout; SIGTERM restarts were taking over 15 s with one such client connected.
 */
import { CloseCode } from '@consent-sync/protocol'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { WebSocket } from 'ws'
import { createMetrics } from '../metrics/metrics'
import { handSocket } from '../testing/hand-socket'
import { CUSTOMER_1, startTestServer } from '../testing/server'
import { until } from '../testing/until'
import { CLOSE_HANDSHAKE_MS, SyncSocket } from './socket'

describe('closing a connection whose peer never answers', () => {
  it('sends 1012 and drops the socket after the close handshake time, so app.close() ends promptly', async () => {
    const server = await startTestServer()
    onTestFinished(() => server.cleanup())
    // A WebSocket by hand that reads everything and answers nothing, not even a close.
    const peer = await handSocket(server.port, `/sync/C-0001?token=${server.token(CUSTOMER_1)}`)
    onTestFinished(() => peer.destroy())
    await until(() => server.ctx.rooms.connectionCount() === 1, 5000, 'connected')
    const started = Date.now()
    await server.app.close()
    const took = Date.now() - started
    expect(peer.closeFrame?.code).toBe(CloseCode.Restarting)
    expect(took).toBeLessThan(CLOSE_HANDSHAKE_MS + 3000)
    await until(() => peer.endedAt, 5000, 'socket dropped by the server')
  })
})

describe('frames sent in one turn', () => {
  it('leave in one write: the TCP socket is held for the turn, then let go', async () => {
    const sent: Uint8Array[] = []
    const ws = { OPEN: 1, readyState: 1, bufferedAmount: 0, send: (m: Uint8Array) => sent.push(m) }
    const tcp = { corks: 0, uncorks: 0, cork: () => tcp.corks++, uncork: () => tcp.uncorks++ }
    const log = { info: () => {} } as never
    const socket = new SyncSocket(ws as unknown as WebSocket, tcp, 1 << 20, createMetrics(), log)
    for (const b of [1, 2, 3]) socket.send(new Uint8Array([b]))
    expect(sent).toHaveLength(3)
    expect({ corks: tcp.corks, uncorks: tcp.uncorks }).toEqual({ corks: 1, uncorks: 0 })
    await new Promise((r) => process.nextTick(r))
    expect(tcp.uncorks).toBe(1)
    socket.send(new Uint8Array([4]))
    expect(tcp.corks).toBe(2)
    await new Promise((r) => process.nextTick(r))
    expect(tcp.uncorks).toBe(2)
  })
})
