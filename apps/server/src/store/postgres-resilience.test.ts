/**
 * DESIGN.md §10, "the store's connection drops or stops answering": a real `consent-sync serve`
 * child process on PostgreSQL through a TCP proxy that the test cuts, refuses and stalls. The
 * writes in flight get 1011 without an ack, the process stays up, it reconnects by itself, and
 * every acknowledged decision is in PostgreSQL.
 */
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net'
import path from 'node:path'
import { DEFAULT_CATALOG, decide, findPurpose, verifyChain } from '@consent-sync/consent-core'
import { CloseCode } from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type ChildServer, freePort, runCli, startChildServer } from '../testing/child-server'
import { rawClient, sendDoc } from '../testing/clients'
import { afterTest, tempDir } from '../testing/per-test'
import { dropSchema, freshSchema, POSTGRES_URL, scaleOutServices } from '../testing/services'
import { startTcpProxy, type TcpProxy, type UpstreamVerdict } from '../testing/tcp-proxy'
import { until } from '../testing/until'
import { createPostgresStore } from './postgres'

const services = await scaleOutServices({ redis: false, skipping: 'the PostgreSQL resilience tests' })

const CUSTOMERS = ['C-0001', 'C-0002', 'C-0003', 'C-0004', 'C-0005']
const PURPOSES = DEFAULT_CATALOG.purposes.map((p) => p.id)

/** `url` with its host and port replaced: the same database, reached through the proxy. */
function through(url: string, port: number): string {
  const u = new URL(url)
  u.hostname = '127.0.0.1'
  u.port = String(port)
  return u.toString()
}

/** A child server on a fresh schema, talking to PostgreSQL only through a proxy the test controls. */
async function setup(env: Record<string, string> = {}) {
  const schema = freshSchema('cs_resilience')
  const target = new URL(POSTGRES_URL)
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
  const dir = await tempDir('consent-sync-resilience-')
  const serverEnv = {
    STORE: 'postgres',
    DATABASE_URL: through(POSTGRES_URL, proxy.port),
    DATABASE_SCHEMA: schema,
    ...env,
  }
  afterTest(() => dropSchema(schema))

  afterTest(() => proxy.close())
  const server = await startChildServer(path.join(dir, 'unused.db'), serverEnv)
  afterTest(() => server.stop('SIGKILL'))
  const tokens = new Map<string, string>()
  for (const id of CUSTOMERS) tokens.set(id, await server.login(id))
  return { schema, proxy, server, tokens, env: serverEnv }
}

type Outcome = { decisionId: string; customerId: string } & (
  | { acked: true }
  | { acked: false; code: number; reason: string }
)

/** One decision by a customer in a fresh document, as a client that was offline would hold it. */
function decision(customerId: string, n: number) {
  const doc = new Y.Doc()
  const purposeId = PURPOSES[n % PURPOSES.length] ?? 'marketing-sms'
  const { id } = decide(doc, {
    purposeId,
    state: n % 2 === 0 ? 'granted' : 'withdrawn',
    actor: { id: customerId, role: 'customer' },
    channel: 'app',
    noticeVersion: findPurpose(DEFAULT_CATALOG, purposeId)!.version,
  })
  return { doc, id }
}

/** A raw sync connection of a customer; `send` resolves once the server acknowledged the decision or closed without doing so. */
async function connect(server: ChildServer, customerId: string, token: string) {
  const client = await rawClient(`${server.syncUrl}/${customerId}?token=${encodeURIComponent(token)}`)
  return {
    client,
    async send(n: number): Promise<Outcome> {
      const { doc, id: decisionId } = decision(customerId, n)
      sendDoc(client, doc)
      const covered = () =>
        client.durable().some((sv) => (sv.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID))
      try {
        return await until(
          (): Outcome | null => {
            if (covered()) return { decisionId, customerId, acked: true }
            const closed = client.closed
            return closed ? { decisionId, customerId, acked: false, ...closed } : null
          },
          30_000,
          `decision ${n} of ${customerId} acknowledged or refused`,
        )
      } finally {
        client.close()
        doc.destroy()
      }
    },
  }
}

/** One decision on a fresh connection, sent as soon as it opens (before the server let it in). */
async function write(server: ChildServer, customerId: string, token: string, n: number): Promise<Outcome> {
  return (await connect(server, customerId, token)).send(n)
}

const status = async (url: string) => (await fetch(url)).status

/** Whether the process still answers `/healthz`; when it does not, waits for its exit to be seen. */
async function alive(server: ChildServer): Promise<boolean> {
  try {
    return (await status(`${server.httpUrl}/healthz`)) === 200
  } catch {
    await until(() => server.exit, 5000, 'the exit of a server that stopped answering')
    return false
  }
}

/** Every acknowledged decision is in PostgreSQL, each customer's log gapless and its chain valid. */
async function expectAllAcknowledgedStored(schema: string, outcomes: readonly Outcome[]) {
  const store = createPostgresStore({ connectionString: POSTGRES_URL, schema })
  try {
    for (const customerId of CUSTOMERS) {
      const chain = await store.auditChain(customerId)
      const stored = new Set(chain.map((e) => e.decisionId))
      const mine = outcomes.filter((o) => o.customerId === customerId)
      const acked = mine.filter((o) => o.acked).map((o) => o.decisionId)
      expect(acked.filter((id) => !stored.has(id))).toEqual([])
      // Nothing stored that was not sent, and nothing stored twice.
      expect([...stored].filter((id) => !mine.some((o) => o.decisionId === id))).toEqual([])
      expect(stored.size).toBe(chain.length)
      expect(verifyChain(chain).ok).toBe(true)
      const seqs = (await store.updatesSince(customerId, 0)).map((u) => u.seq)
      expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    }
  } finally {
    await store.close()
  }
}

/**
 * Where in the traffic to PostgreSQL a round cuts the link. A group commit is one statement, the
 * call of append_batch (its Parse names the function, every Bind the statement named after it).
 */
const CUT_POINTS = ['before-append', 'after-append', 'at-connection-open'] as const
type CutPoint = (typeof CUT_POINTS)[number]

/** Cuts the link once, at `point` (with RST when `reset`); `then` runs just before the cut. */
function cutAt(proxy: TcpProxy, schema: string, point: CutPoint, reset: boolean, then: () => void) {
  const append = `"${schema}".append_batch`
  const customers = `FROM "${schema}".customers`
  proxy.inspect((chunk): UpstreamVerdict => {
    const text = chunk.toString('latin1')
    let when: 'before' | 'after' | null = null
    if (point === 'before-append' && text.includes(append)) when = 'before'
    // The commit reaches PostgreSQL but its answer never comes back: stored, yet not acknowledged.
    if (point === 'after-append' && text.includes(append)) when = 'after'
    if (point === 'at-connection-open' && text.includes(customers)) when = 'before'
    if (when === null) return 'forward'
    proxy.inspect(null)
    then()
    return `${reset ? 'reset' : 'cut'}-${when}`
  })
}

describe.skipIf(!services.ok)('DESIGN §10: the PostgreSQL link drops or stops answering', () => {
  it('keeps serving through 20 cuts of the link with writes in flight, and reconnects by itself', async () => {
    const ROUNDS = 20
    const { schema, proxy, server, tokens, env } = await setup()
    const outcomes: Outcome[] = []
    let n = 0
    const burst = () =>
      Promise.all(CUSTOMERS.flatMap((id) => [0, 1].map(() => write(server, id, tokens.get(id)!, n++))))

    for (let round = 0; round < ROUNDS; round++) {
      await until(
        async () => (await status(`${server.httpUrl}/readyz`)) === 200,
        15_000,
        `ready again before round ${round}`,
      )
      const point = CUT_POINTS[round % CUT_POINTS.length]!
      // Rounds 1, 5, 9, 13 and 17 leave PostgreSQL unreachable for a while after the cut, and
      // rounds 4–7 and 12–15 cut with RST: every cut point meets both.
      const refuse = round % 4 === 1
      const reset = Math.floor(round / 4) % 2 === 1
      const cutsBefore = proxy.cuts
      const refusedBefore = proxy.refused
      cutAt(proxy, schema, point, reset, () => proxy.refuse(refuse))
      const results = await burst()
      expect(proxy.cuts, `round ${round} (${point}) cut the link`).toBeGreaterThan(cutsBefore)
      outcomes.push(...results)

      expect(await alive(server), `still up after round ${round} (${point}):\n${server.output}`).toBe(true)
      const refused = results.filter((o) => !o.acked)
      // The writes the cut caught were refused with 1011 and nothing else; later ones may have made it.
      expect(refused.length, `round ${round} (${point}): a write was in flight`).toBeGreaterThan(0)
      for (const o of refused) expect(o).toMatchObject({ code: CloseCode.StorageError })

      if (refuse) {
        // Unreachable: the process answers, says the store is not ready, and tried to reconnect.
        expect(await status(`${server.httpUrl}/healthz`)).toBe(200)
        expect(await status(`${server.httpUrl}/readyz`)).toBe(503)
        expect(proxy.refused).toBeGreaterThan(refusedBefore)
        proxy.refuse(false)
      }
    }

    await until(async () => (await status(`${server.httpUrl}/readyz`)) === 200, 15_000, 'ready at the end')
    const after = await burst()
    outcomes.push(...after)
    expect(after.filter((o) => !o.acked)).toEqual([])
    expect(await alive(server), server.output).toBe(true)
    expect(server.output).not.toMatch(/unhandled|uncaught/i)
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null })

    await expectAllAcknowledgedStored(schema, outcomes)
    // Every stored audit entry still re-derives from the stored updates.
    const verify = await runCli(['verify'], '', { ...env, DATABASE_URL: POSTGRES_URL })
    expect(verify, verify.stderr).toMatchObject({ code: 0 })
  }, 180_000)

  it('refuses the writes with 1011 within the timeouts while PostgreSQL stops answering, and recovers', async () => {
    const timeoutMs = 1500
    const { schema, proxy, server, tokens } = await setup({
      DATABASE_CONNECT_TIMEOUT_MS: String(timeoutMs),
      DATABASE_STATEMENT_TIMEOUT_MS: String(timeoutMs),
    })
    const outcomes: Outcome[] = []
    let n = 0
    const joinAll = () =>
      Promise.all(
        CUSTOMERS.map(async (id) => {
          const c = await connect(server, id, tokens.get(id)!)
          // Let in: the server's sync step 1 arrived, so the room is loaded and the next message goes to its append.
          await until(() => c.client.frames.length > 0 || c.client.closed, 5000, `${id} let in`)
          return c
        }),
      )

    const warm = await Promise.all((await joinAll()).map((c) => c.send(n++)))
    expect(warm.filter((o) => !o.acked)).toEqual([])
    outcomes.push(...warm)

    const open = await joinAll()
    proxy.stall(true)
    const sentAt = Date.now()
    const stalled = await Promise.all(open.map((c) => c.send(n++)))
    const waited = Date.now() - sentAt
    outcomes.push(...stalled)
    for (const o of stalled) expect(o).toMatchObject({ acked: false, code: CloseCode.StorageError })
    // One statement timeout, and one connect timeout for the batch queued behind it; not one per update.
    expect(waited).toBeLessThan(2 * timeoutMs + 2000)
    expect(await alive(server), server.output).toBe(true)
    expect(await status(`${server.httpUrl}/readyz`)).toBe(503)

    proxy.stall(false)
    await until(async () => (await status(`${server.httpUrl}/readyz`)) === 200, 15_000, 'ready again')
    const after = await Promise.all(CUSTOMERS.map((id) => write(server, id, tokens.get(id)!, n++)))
    expect(after.filter((o) => !o.acked)).toEqual([])
    outcomes.push(...after)
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null })
    await expectAllAcknowledgedStored(schema, outcomes)
  }, 60_000)
})

describe('DESIGN §10: at start, a PostgreSQL that cannot be reached or does not answer', () => {
  /** A TCP listener that accepts connections and never writes a byte: a database that hangs. */
  async function silentDatabase() {
    const sockets = new Set<Socket>()
    const listener = createNetServer((socket) => {
      sockets.add(socket)
      socket.on('error', () => {})
    })
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    afterTest(async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => listener.close(() => resolve()))
    })
    return (listener.address() as AddressInfo).port
  }

  const PASSWORD = 'pw-never-shown-7d1e'
  const serve = (port: number, env: Record<string, string> = {}) =>
    runCli(
      ['serve'],
      '',
      {
        STORE: 'postgres',
        DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/test`,
        PORT: '0',
        ...env,
      },
      20_000,
    )

  it('exits 1 within the connect timeout, naming DATABASE_URL, PostgreSQL and the address, when it never answers', async () => {
    const port = await silentDatabase()
    const run = await serve(port, { DATABASE_CONNECT_TIMEOUT_MS: '1000' })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/DATABASE_URL/)
    expect(run.stderr).toMatch(/PostgreSQL/)
    expect(run.stderr).toContain(`127.0.0.1:${port}`)
    expect(run.stderr).toMatch(/1000 ms/)
    expect(run.stdout + run.stderr).not.toContain(PASSWORD)
    expect(run.stdout).not.toMatch(/listening/)
  })

  it('exits 1 naming DATABASE_URL, PostgreSQL and the address when nothing listens there', async () => {
    const port = await freePort()
    const run = await serve(port)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/DATABASE_URL/)
    expect(run.stderr).toMatch(/PostgreSQL/)
    expect(run.stderr).toContain(`127.0.0.1:${port}`)
    expect(run.stdout + run.stderr).not.toContain(PASSWORD)
    expect(run.stdout).not.toMatch(/listening/)
  })
})
