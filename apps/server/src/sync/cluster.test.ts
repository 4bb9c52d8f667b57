import { DEFAULT_CATALOG, decide, foldAll, readDecisions, verifyChain } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { verifyStore } from '../audit/verify'
import { stockClient } from '../testing/clients'
import { decideAs } from '../testing/decisions'
import { afterTest, stockFor, testServer } from '../testing/per-test'
import { CSR_1, CUSTOMER_1, startTestServer, type TestServer, type TestUser } from '../testing/server'
import { dropSchema, freshSchema, POSTGRES_URL, REDIS_URL, scaleOutServices } from '../testing/services'
import { until } from '../testing/until'
import type { FanOut, RemoteUpdate } from './fanout'
import { createRedisFanOut } from './redis-fanout'

const services = await scaleOutServices({ skipping: 'the scale-out tests' })

/** A Redis fan-out whose incoming updates can be dropped, as pub/sub may drop them. */
function droppingFanOut(channel: string) {
  const real = createRedisFanOut({ url: REDIS_URL, channel })
  let dropping = false
  const listeners: ((m: RemoteUpdate) => void)[] = []
  real.onUpdate((m) => {
    if (!dropping) for (const l of listeners) l(m)
  })
  const fanout: FanOut = { ...real, onUpdate: (l) => void listeners.push(l) }
  return {
    fanout,
    drop(on: boolean) {
      dropping = on
    },
  }
}

/** Two instances on one PostgreSQL schema and one Redis channel (DESIGN.md §8). */
async function cluster(options: { fanoutB?: FanOut; channel?: string } = {}) {
  const schema = freshSchema('cs_cluster')
  const channel = options.channel ?? `consent-sync:test:${schema}`
  const env = {
    STORE: 'postgres',
    DATABASE_URL: POSTGRES_URL,
    DATABASE_SCHEMA: schema,
    CATCH_UP_INTERVAL_MS: '300',
  }
  const fanoutA = createRedisFanOut({ url: REDIS_URL, channel })
  const a = await startTestServer({ env, fanout: fanoutA })
  afterTest(() => dropSchema(schema))
  afterTest(() => a.cleanup())
  const b = await testServer({
    env,
    fanout: options.fanoutB ?? createRedisFanOut({ url: REDIS_URL, channel }),
  })
  const client = (server: TestServer, user: TestUser) => stockFor(server, user)
  return { a, b, schema, channel, client }
}

const fold = (doc: Y.Doc) => JSON.stringify(foldAll(readDecisions(doc), DEFAULT_CATALOG))

/** A decision as the user's client records it; an agent's with the call it came from. */
const grant = (doc: Y.Doc, user: TestUser, purposeId: string, state: 'granted' | 'withdrawn' = 'granted') =>
  decideAs(doc, user, purposeId, state, user.role === 'csr' ? { evidence: 'call ref 42' } : {})

async function expectOneValidChain(server: TestServer, decisions: number) {
  const store = server.ctx.store
  const updates = await store.updatesSince('C-0001', 0)
  expect(updates.map((u) => u.seq)).toEqual(updates.map((_, i) => i + 1))
  const chain = await store.auditChain('C-0001')
  expect(chain).toHaveLength(decisions)
  expect(new Set(chain.map((e) => e.decisionId)).size).toBe(decisions)
  expect(verifyChain(chain).ok).toBe(true)
  const report = await verifyStore(store, DEFAULT_CATALOG)
  expect(report.problems).toEqual([])
  expect(report.ok).toBe(true)
}

describe.skipIf(!services.ok)('two instances on PostgreSQL and Redis', () => {
  it('serve one customer together: decisions and presence cross instances, one audit chain', async () => {
    const { a, b, client } = await cluster()
    const customer = client(a, CUSTOMER_1)
    const agent = client(b, CSR_1)
    await customer.synced()
    await agent.synced()
    grant(customer.doc, CUSTOMER_1, 'marketing-sms')
    await until(() => readDecisions(agent.doc).length === 1, 5000, 'agent on B sees the grant made on A')
    grant(agent.doc, CSR_1, 'marketing-sms', 'withdrawn')
    await until(
      () => readDecisions(customer.doc).length === 2,
      5000,
      'customer on A sees the withdrawal made on B',
    )
    expect(fold(customer.doc)).toBe(fold(agent.doc))

    agent.provider.awareness.setLocalState({ editing: true })
    await until(
      () => [...customer.provider.awareness.getStates().values()].some((s) => s.user?.id === 'csr1'),
      5000,
      'customer on A sees the agent on B',
    )
    await expectOneValidChain(a, 2)
  })

  it('hear of a publish on the other instance at once: its catalog, its events and its judgement', async () => {
    const { a, b, client } = await cluster()
    const sms = DEFAULT_CATALOG.purposes.find((p) => p.id === 'marketing-sms')!
    const version = '1.5'
    const res = await a.post(
      '/api/admin/purposes/marketing-sms/versions',
      {
        version,
        title: sms.title,
        notice: { ...sms.notice, en: `${sms.notice.en} Weekly.` },
        material: true,
      },
      a.token({ id: 'admin1', role: 'admin' }),
    )
    expect(res.status).toBe(201)
    await until(
      () => b.ctx.catalog.current().purposes.find((p) => p.id === 'marketing-sms')?.version === version,
      2000,
      'B to read the catalog A published',
    )
    // A customer on B decides under the version published on A.
    const customer = client(b, CUSTOMER_1)
    await customer.synced()
    decide(customer.doc, {
      purposeId: 'marketing-sms',
      state: 'granted',
      actor: { id: 'C-0001', role: 'customer' },
      channel: 'web',
      noticeVersion: version,
    })
    await until(
      async () => (await b.ctx.store.auditChain('C-0001')).length === 1,
      5000,
      'the grant stored by B',
    )
    expect(customer.closes).toEqual([])
  })

  it('keep one gapless log and one valid chain when both accept updates for the same customer at once', async () => {
    const { a, b, client } = await cluster()
    const onA = client(a, CUSTOMER_1)
    const onB = client(b, CSR_1)
    await onA.synced()
    await onB.synced()
    const purposes = DEFAULT_CATALOG.purposes.map((p) => p.id)
    for (let i = 0; i < 20; i++) {
      grant(onA.doc, CUSTOMER_1, purposes[i % purposes.length]!, i % 2 ? 'granted' : 'withdrawn')
      grant(onB.doc, CSR_1, purposes[(i + 3) % purposes.length]!, i % 3 ? 'granted' : 'withdrawn')
    }
    await until(
      () => readDecisions(onA.doc).length === 40 && readDecisions(onB.doc).length === 40,
      15000,
      'both sides hold all 40 decisions',
    )
    expect(fold(onA.doc)).toBe(fold(onB.doc))
    // Audit entries derived on each instance re-derive from the log in seq order: no stale view.
    await until(async () => (await a.ctx.store.auditChain('C-0001')).length === 40, 10000, 'all stored')
    await expectOneValidChain(b, 40)
  })

  it('repair what the fan-out dropped from PostgreSQL', async () => {
    const channel = `consent-sync:test:${freshSchema('drop')}`
    const dropping = droppingFanOut(channel)
    const { a, b, client } = await cluster({ fanoutB: dropping.fanout, channel })
    const onA = client(a, CUSTOMER_1)
    const onB = client(b, CSR_1)
    await onA.synced()
    await onB.synced()
    dropping.drop(true)
    grant(onA.doc, CUSTOMER_1, 'usage-analytics')
    grant(onA.doc, CUSTOMER_1, 'location-offers')
    // Nothing reaches B through Redis; its periodic look at the stored seq finds the gap.
    await until(() => readDecisions(onB.doc).length === 2, 5000, 'B repaired from the store')
    dropping.drop(false)
    grant(onA.doc, CUSTOMER_1, 'marketing-push')
    await until(() => readDecisions(onB.doc).length === 3, 5000, 'B back on the fan-out')
    expect(fold(onA.doc)).toBe(fold(onB.doc))
    await expectOneValidChain(b, 3)
  })

  it('keeps accepting and storing while Redis is unreachable, and reports it in readiness', async () => {
    const schema = freshSchema('cs_cluster')
    const env = {
      STORE: 'postgres',
      DATABASE_URL: POSTGRES_URL,
      DATABASE_SCHEMA: schema,
      CATCH_UP_INTERVAL_MS: '300',
    }
    const dead = 'redis://127.0.0.1:1'
    const a = await startTestServer({ env, fanout: createRedisFanOut({ url: dead }) })
    afterTest(() => dropSchema(schema))
    afterTest(() => a.cleanup())
    const b = await testServer({ env, fanout: createRedisFanOut({ url: dead }) })
    const ready = await (await fetch(`${a.httpUrl}/readyz`)).json()
    expect(ready).toMatchObject({ status: 'degraded', checks: { store: 'ok' } })
    expect(ready.checks.fanout).not.toBe('ok')
    const onA = stockClient(a.syncUrl, 'C-0001', a.token(CUSTOMER_1))
    const onB = stockClient(b.syncUrl, 'C-0001', b.token(CSR_1))
    afterTest(() => onA.destroy())
    afterTest(() => onB.destroy())
    await onA.synced()
    await onB.synced()
    grant(onA.doc, CUSTOMER_1, 'marketing-email')
    await until(() => readDecisions(onB.doc).length === 1, 5000, 'B caught up from the store without Redis')
    await expectOneValidChain(a, 1)
  })
})
