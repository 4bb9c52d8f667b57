/**
 * Peers that do not play along (DESIGN.md §10): a socket told to go that keeps sending, one that
 * sends a lot before it is authorised, and one that never reads. Memory stays bounded, the socket
 * is dropped within seconds, and everyone else carries on.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { encodeAwareness, encodeAwarenessEntries } from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import type { Store } from '../store/store'
import { startChildServer } from '../testing/child-server'
import { presenceProbe } from '../testing/clients'
import { handSocket } from '../testing/hand-socket'
import { afterTest, rawFor, tempDir, testServer } from '../testing/per-test'
import { CSR_1, CSR_2, CUSTOMER_1, startTestServer } from '../testing/server'
import { until } from '../testing/until'
import { CLOSE_HANDSHAKE_MS } from './socket'

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
  return Number(kb) * 1024
}

/** One presence state of about `bytes` for client id `clientId` at `clock`, as an awareness message. */
function presence(clientId: number, clock: number, bytes: number): Uint8Array {
  const json = JSON.stringify({ editing: clock % 2 === 0, note: 'x'.repeat(bytes) })
  return encodeAwareness(encodeAwarenessEntries([{ clientId, clock, json }]))
}

describe('a socket that was told to go and keeps sending', () => {
  it('is read no further and dropped within seconds, before and after authentication', async () => {
    const dir = await tempDir('consent-sync-unruly-')
    const server = await startChildServer(path.join(dir, 'unruly.db'))
    afterTest(() => server.stop('SIGKILL'))
    const token = await server.login('C-0001')
    const baseline = rssBytes(server.child.pid as number)
    const frame = new Uint8Array(250 * 1024)
    // Eight without a token (4401), and eight that break the protocol once signed in (4400).
    const peers = await Promise.all([
      ...Array.from({ length: 8 }, () => handSocket(server.port, '/sync/C-0001')),
      ...Array.from({ length: 8 }, () => handSocket(server.port, `/sync/C-0001?token=${token}`)),
    ])
    afterTest(() => {
      for (const p of peers) p.destroy()
    })
    let peak = baseline
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(server.child.pid as number))
    }, 50)
    afterTest(() => clearInterval(sampler))
    const flood = peers.map(async (p, i) => {
      if (i >= 8) await p.send(Uint8Array.from([99]))
      // Ignore the close: keep sending until the server drops the connection.
      const started = Date.now()
      while (p.endedAt === null && Date.now() - started < 15_000) await p.send(frame)
    })
    await Promise.all(flood)
    clearInterval(sampler)
    for (const [i, p] of peers.entries()) {
      expect(p.closeFrame?.code).toBe(i < 8 ? 4401 : 4400)
      expect(p.endedAt).not.toBeNull()
      // Dropped once the close handshake time is over, not held for ws's 30 s.
      expect((p.endedAt as number) - (p.closeFrame?.at as number)).toBeLessThan(CLOSE_HANDSHAKE_MS + 3000)
    }
    // Before: 8 such sockets took the server from 157 to 395 MB. Now a frame or two each at most.
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024)
    const res = await fetch(`${server.httpUrl}/healthz`)
    expect(res.status).toBe(200)
  }, 60_000)
})

describe('bytes sent before the connection is ready', () => {
  it('are capped: past one message of the largest size the connection is closed, transient', async () => {
    let release: () => void = () => {}
    const held = new Promise<void>((r) => {
      release = r
    })
    const server = await startTestServer({
      wrapStore: (store: Store) => ({
        ...store,
        // The customer lookup of the upgrade waits, as a slow database would.
        getCustomer: async (id: string) => {
          await held
          return store.getCustomer(id)
        },
      }),
    })
    afterTest(() => server.cleanup())
    afterTest(() => release())
    const peer = await handSocket(server.port, `/sync/C-0001?token=${server.token(CUSTOMER_1)}`)
    afterTest(() => peer.destroy())
    const chunk = new Uint8Array(200 * 1024)
    for (let i = 0; i < 3 && peer.closeFrame === null; i++) await peer.send(chunk)
    await until(() => peer.closeFrame, 5000, 'closed before ready')
    expect(peer.closeFrame).toMatchObject({
      code: 4529,
      reason: expect.stringMatching(/before the connection was ready/),
    })
    release()
    await until(() => peer.endedAt, CLOSE_HANDSHAKE_MS + 3000, 'dropped')
  })
})

describe('a client that never reads', () => {
  it('is closed with 4508 once its unsent bytes pass the cap, and the others carry on', async () => {
    const server = await testServer({
      env: {
        MAX_UNSENT_BYTES: String(256 * 1024),
        RATE_MESSAGES_PER_SECOND: '5000',
        RATE_USER_MESSAGES_PER_SECOND: '10000',
      },
    })
    const watcher = presenceProbe(server.syncUrl, 'C-0001', server.token(CSR_1), CSR_1)
    afterTest(() => watcher.destroy())
    await watcher.synced()
    const slow = await handSocket(server.port, `/sync/C-0001?token=${server.token(CSR_2)}`)
    afterTest(() => slow.destroy())
    slow.stopReading()
    await until(() => server.ctx.rooms.connectionCount() === 2, 5000, 'both connected')
    const writer = await rawFor(server, CUSTOMER_1)
    // Presence changes of 3 KB, as fast as the writer may send them, until the server gives up on the slow one.
    let clock = 1
    const started = Date.now()
    while ((await server.ctx.metrics.slowReadersClosed.get()).values[0]?.value !== 1) {
      if (Date.now() - started > 20_000) throw new Error('the slow reader was never closed')
      for (let i = 0; i < 50; i++) writer.send(presence(31337, clock++, 3000))
      await new Promise((r) => setImmediate(r))
    }
    const closed = await server.ctx.metrics.connectionsClosed.get()
    expect(closed.values.find((v) => v.labels.code === '4508')?.value).toBe(1)
    // The socket goes (dropped after the close handshake time: it does not read the close either).
    await until(() => server.ctx.rooms.connectionCount() === 2, CLOSE_HANDSHAKE_MS + 3000, 'slow reader gone')
    // The others were never closed and still hear the writer.
    const heard = watcher.presenceMessages
    writer.send(presence(31337, clock++, 10))
    await until(() => watcher.presenceMessages > heard, 5000, 'watcher still hears the writer')
    expect(watcher.closes).toEqual([])
    expect(writer.closed).toBeNull()
  })
})
