import {
  DEFAULT_CATALOG,
  decide,
  findPurpose,
  foldAll,
  readDecisions,
  verifyChain,
} from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { verifyStore } from '../audit/verify'
import { createPostgresStore } from '../store/postgres'
import { type ChildServer, startChildServer } from '../testing/child-server'
import { stockClient, trackDurable } from '../testing/clients'
import { afterTest } from '../testing/per-test'
import { dropSchema, freshSchema, POSTGRES_URL, REDIS_URL, scaleOutServices } from '../testing/services'
import { until } from '../testing/until'
import { startProxy } from './proxy'

const services = await scaleOutServices({ skipping: 'the failover test' })

const PURPOSES = DEFAULT_CATALOG.purposes.map((p) => p.id)

describe.skipIf(!services.ok)('two instances behind the proxy', () => {
  it('lose nothing acknowledged when one is killed: its clients move to the other', async () => {
    const schema = freshSchema('cs_failover')
    afterTest(() => dropSchema(schema))
    const env = {
      STORE: 'postgres',
      DATABASE_URL: POSTGRES_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL,
      CATCH_UP_INTERVAL_MS: '300',
      DEMO: 'true',
    }
    const instances: ChildServer[] = []
    for (let i = 0; i < 2; i++) {
      const child = await startChildServer('/dev/null', env)
      afterTest(() => child.stop('SIGKILL'))
      instances.push(child)
    }
    const [one, two] = instances as [ChildServer, ChildServer]
    const proxy = startProxy({
      host: '127.0.0.1',
      port: 0,
      backends: instances.map((c) => ({ host: '127.0.0.1', port: c.port })),
    })
    afterTest(() => proxy.close())
    const url = `ws://127.0.0.1:${await proxy.listening}/sync`

    // Four writers on two customers, spread over both instances by the proxy.
    const writers = await Promise.all(
      [
        ['C-0001', 'C-0001', 'customer'],
        ['C-0001', 'csr1', 'csr'],
        ['C-0002', 'C-0002', 'customer'],
        ['C-0002', 'csr2', 'csr'],
      ].map(async ([customerId, username, role]) => {
        const c = stockClient(url, customerId!, await two.login(username!), undefined, { acks: true })
        afterTest(() => c.destroy())
        await c.synced()
        return {
          ...c,
          customerId: customerId!,
          username: username!,
          csr: role === 'csr',
          durable: trackDurable(c.provider),
        }
      }),
    )
    const made: string[] = []
    const decideSome = (n: number, round: number) => {
      for (const w of writers) {
        for (let i = 0; i < n; i++) {
          const purposeId = PURPOSES[(round * n + i) % PURPOSES.length]!
          const d = decide(w.doc, {
            purposeId,
            state: (round + i) % 2 ? 'granted' : 'withdrawn',
            actor: { id: w.username, role: w.csr ? 'csr' : 'customer' },
            channel: w.csr ? 'phone' : 'app',
            noticeVersion: findPurpose(DEFAULT_CATALOG, purposeId)!.version,
            ...(w.csr ? { evidence: `call ${round}-${i}` } : {}),
          })
          made.push(d.id)
        }
      }
    }
    decideSome(5, 0)
    await until(() => writers.every((w) => w.durable.saved()), 10_000, 'first decisions acknowledged')

    // SIGKILL mid-load: more decisions are in flight when the instance dies.
    decideSome(5, 1)
    await one.stop('SIGKILL')
    decideSome(5, 2)
    await until(
      () => writers.every((w) => w.durable.saved()),
      20_000,
      'everything acknowledged after failover',
    )

    // Every decision is stored once, each customer has one valid chain, and replicas agree.
    const store = createPostgresStore({ connectionString: POSTGRES_URL, schema })
    afterTest(() => store.close())
    const chains = await Promise.all(['C-0001', 'C-0002'].map((id) => store.auditChain(id)))
    const audited = chains.flat().map((e) => e.decisionId)
    expect(audited.sort()).toEqual([...made].sort())
    for (const chain of chains) expect(verifyChain(chain).ok).toBe(true)
    expect((await verifyStore(store, DEFAULT_CATALOG)).problems).toEqual([])
    for (const customerId of ['C-0001', 'C-0002']) {
      const fresh = stockClient(two.syncUrl, customerId, await two.login('csr1'))
      afterTest(() => fresh.destroy())
      await fresh.synced()
      const fold = (w: { doc: typeof fresh.doc }) =>
        JSON.stringify(foldAll(readDecisions(w.doc), DEFAULT_CATALOG))
      await until(
        () => writers.filter((w) => w.customerId === customerId).every((w) => fold(w) === fold(fresh)),
        5000,
        `replicas of ${customerId} agree with the server`,
      )
    }
  })
})
