/**
 * Presence under the way real clients behave (DESIGN.md §5, §10): the stock WebsocketProvider
 * relays every presence update it receives, pages reload (a new client id) and go offline and
 * back (the same client id), and stock clients renew their presence every 15 s. None of it may
 * start a storm: no 4529, one connection per reload or cycle, and presence right on every side.
 */
import { describe, expect, it } from 'vitest'
import { type PresenceProbe, presenceProbe } from '../testing/clients'
import { afterTest, testServer } from '../testing/per-test'
import { CSR_1, CUSTOMER_1, startTestServer, type TestServer, type TestUser } from '../testing/server'
import { dropSchema, freshSchema, POSTGRES_URL, REDIS_URL, scaleOutServices } from '../testing/services'
import { until } from '../testing/until'
import { createRedisFanOut } from './redis-fanout'

const services = await scaleOutServices({ skipping: 'the cross-instance presence test' })

/** Longer than a stock client's 15 s presence renewal, so renewals happen while we watch. */
const WATCH_MS = 17_000

interface Scene {
  customerServer: TestServer
  agentServer: TestServer
}

async function run({ customerServer, agentServer }: Scene) {
  const probes: PresenceProbe[] = []
  const open = (server: TestServer, user: TestUser) => {
    const probe = presenceProbe(server.syncUrl, 'C-0001', server.token(user), user)
    probes.push(probe)
    afterTest(() => probe.destroy())
    return probe
  }
  const agent = open(agentServer, CSR_1)
  const customers = [0, 1, 2].map(() => open(customerServer, CUSTOMER_1))
  for (const p of probes) await p.synced()

  // Every side sees the others.
  const settledPresence = async () => {
    const live = [agent, ...customers].filter((p) => !p.destroyed)
    await until(
      () =>
        live.every((p) => live.every((q) => q === p || p.sees(q.clientId, q.user.id))) &&
        live.every((p) => p.remoteIds().length === live.length - 1),
      10_000,
      'presence settled on every side',
    ).catch((err: unknown) => {
      const seen = live.map((p) => `${p.user.id}#${p.clientId} sees ${JSON.stringify(p.remoteIds())}`)
      throw new Error(`${String(err)}; ${seen.join('; ')}`)
    })
  }
  await settledPresence()

  // Five reloads of one customer page: a new provider with a new client id each time.
  for (let i = 0; i < 5; i++) {
    const old = customers[0] as PresenceProbe
    old.destroy()
    const fresh = open(customerServer, CUSTOMER_1)
    customers[0] = fresh
    await fresh.synced()
    await settledPresence()
  }
  // Five offline/online cycles of another: the same client id comes back.
  const cycling = customers[1] as PresenceProbe
  for (let i = 0; i < 5; i++) {
    cycling.provider.disconnect()
    await until(() => !cycling.provider.wsconnected, 5000, 'offline')
    cycling.provider.connect()
    await cycling.synced()
    await settledPresence()
  }

  const before = probes.map((p) => ({ opened: p.opened, presence: p.presenceMessages }))
  const closesBefore = probes.reduce((n, p) => n + p.closes.length, 0)
  await new Promise((r) => setTimeout(r, WATCH_MS))
  await settledPresence()

  const all = probes.flatMap((p) => p.closes)
  expect(all.filter((c) => c.code === 4529)).toEqual([])
  // Steady state: nobody reconnects, and presence traffic is the renewals, not a flood.
  expect(probes.reduce((n, p) => n + p.closes.length, 0)).toBe(closesBefore)
  for (const [i, p] of probes.entries()) {
    expect(p.opened - (before[i]?.opened ?? 0)).toBe(0)
    // Four live clients renewing about once each while we watch, plus echoes of one's own.
    expect(p.presenceMessages - (before[i]?.presence ?? 0)).toBeLessThanOrEqual(12)
  }
  // One connection per page and per reload or cycle: 1 agent, 3 + 5 reload pages, 1 + 5 for the cycling one.
  expect(agent.opened).toBe(1)
  expect(cycling.opened).toBe(6)
  const reloadPages = probes.filter((p) => p !== agent && p !== cycling)
  expect(reloadPages.map((p) => p.opened)).toEqual(reloadPages.map(() => 1))
  // Nobody speaks for anybody else: every state carries its owner's identity.
  for (const p of [agent, ...customers]) {
    for (const q of [agent, ...customers]) if (q !== p) expect(p.sees(q.clientId, q.user.id)).toBe(true)
  }
  const serverClosed = await customerServer.ctx.metrics.connectionsClosed.get()
  expect(serverClosed.values.filter((v) => v.labels.code === '4529' && v.value > 0)).toEqual([])
}

describe('presence with stock providers that relay, reload and reconnect', () => {
  it('settles on one instance: no 4529, one connection per reload, presence right', async () => {
    const server = await testServer()
    await run({ customerServer: server, agentServer: server })
  }, 90_000)

  it.skipIf(!services.ok)(
    'settles with the customer and the agent on different instances',
    async () => {
      const schema = freshSchema('cs_presence')
      const channel = `consent-sync:test:${schema}`
      const env = { STORE: 'postgres', DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema }
      const a = await startTestServer({ env, fanout: createRedisFanOut({ url: REDIS_URL, channel }) })
      afterTest(() => dropSchema(schema))
      afterTest(() => a.cleanup())
      const b = await testServer({ env, fanout: createRedisFanOut({ url: REDIS_URL, channel }) })
      await run({ customerServer: a, agentServer: b })
    },
    90_000,
  )
})
