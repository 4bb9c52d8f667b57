import {
  DEFAULT_CATALOG,
  decide,
  findPurpose,
  foldAll,
  readDecisions,
  verifyChain,
} from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { verifyStore } from '../audit/verify'
import { createPostgresStore } from '../store/postgres'
import { type ChildServer, startChildServer } from '../testing/child-server'
import { stockClient, trackDurable } from '../testing/clients'
import { afterTest } from '../testing/per-test'
import { loginAt } from '../testing/server'
import { dropSchema, freshSchema, POSTGRES_URL, REDIS_URL, scaleOutServices } from '../testing/services'
import { until } from '../testing/until'
import type { ServerStats } from './haproxy'
import { haproxyFor, installedHaproxy, restartOn } from './haproxy-test-kit'

const services = await scaleOutServices({ skipping: 'the failover test' })
const haproxyBin = services.ok ? installedHaproxy('the failover test') : null

const PURPOSES = DEFAULT_CATALOG.purposes.map((p) => p.id)

/** What HAProxy counts of the connections it sent (or tried to send) to an instance. */
const attempts = (s: ServerStats) => ({ stot: s.stot, econ: s.econ, wretr: s.wretr, wredis: s.wredis })

describe.skipIf(!haproxyBin)('two instances behind HAProxy', () => {
  it('lose nothing acknowledged when one is killed: its clients move to the other, it leaves rotation and comes back', async () => {
    const bin = haproxyBin!
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
    const instance = async () => {
      const child = await startChildServer('/dev/null', env)
      afterTest(() => child.stop('SIGKILL'))
      return child
    }
    const [one, two] = (await Promise.all([instance(), instance()])) as [ChildServer, ChildServer]
    const lb = await haproxyFor(bin, [
      { name: 'one', port: one.port },
      { name: 'two', port: two.port },
    ])
    const { haproxy, httpUrl, syncUrl } = lb
    const client = async (customerId: string, username: string) => {
      const c = stockClient(syncUrl, customerId, await loginAt(httpUrl, username), undefined, { acks: true })
      afterTest(() => c.destroy())
      await c.synced()
      return c
    }

    // Four writers on two customers; leastconn spreads them over both instances.
    const writers = await Promise.all(
      [
        ['C-0001', 'C-0001', 'customer'],
        ['C-0001', 'csr1', 'csr'],
        ['C-0002', 'C-0002', 'customer'],
        ['C-0002', 'csr2', 'csr'],
      ].map(async ([customerId, username, role]) => {
        const c = await client(customerId!, username!)
        return {
          ...c,
          customerId: customerId!,
          username: username!,
          csr: role === 'csr',
          durable: trackDurable(c.provider),
        }
      }),
    )
    expect((await haproxy.server('one')).scur).toBeGreaterThan(0)
    expect((await haproxy.server('two')).scur).toBeGreaterThan(0)
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
    // HAProxy's health check takes it out within about two seconds of its death.
    const outOfRotation = until(
      async () => (await haproxy.server('one')).status === 'DOWN',
      2500,
      'HAProxy to mark the killed instance DOWN',
    )
    decideSome(5, 2)
    await outOfRotation
    await until(
      () => writers.every((w) => w.durable.saved()),
      20_000,
      'everything acknowledged after failover',
    )
    expect((await haproxy.server('two')).scur).toBeGreaterThanOrEqual(writers.length)

    // Every decision is stored once, each customer has one valid chain.
    const store = createPostgresStore({ connectionString: POSTGRES_URL, schema })
    afterTest(() => store.close())
    const chains = await Promise.all(['C-0001', 'C-0002'].map((id) => store.auditChain(id)))
    const audited = chains.flat().map((e) => e.decisionId)
    expect(audited.sort()).toEqual([...made].sort())
    for (const chain of chains) expect(verifyChain(chain).ok).toBe(true)
    expect((await verifyStore(store, DEFAULT_CATALOG)).problems).toEqual([])

    // New connections through HAProxy: none is even tried on the dead instance, and each
    // replica agrees with what the survivor serves.
    const fold = (doc: Y.Doc) => JSON.stringify(foldAll(readDecisions(doc), DEFAULT_CATALOG))
    const agree = async (readers: { customerId: string; doc: Y.Doc }[], what: string) => {
      for (const { customerId, doc } of readers) {
        const replicas = writers.filter((w) => w.customerId === customerId)
        await until(() => replicas.every((w) => fold(w.doc) === fold(doc)), 5000, `${what}: ${customerId}`)
      }
    }
    const whileDown = attempts(await haproxy.server('one'))
    const fresh = await Promise.all(
      ['C-0001', 'C-0002'].map(async (customerId) => ({ customerId, ...(await client(customerId, 'csr1')) })),
    )
    await agree(fresh, 'replicas agree with the survivor')
    expect(attempts(await haproxy.server('one'))).toEqual(whileDown)

    // Restarted on its port, it is back in rotation once ready, and leastconn fills it first.
    await restartOn(one.port, env)
    await until(async () => (await haproxy.server('one')).status === 'UP', 5000, 'HAProxy to take it back')
    const later = await Promise.all(
      ['C-0001', 'C-0002'].map(async (customerId) => ({ customerId, ...(await client(customerId, 'csr2')) })),
    )
    expect((await haproxy.server('one')).scur).toBe(later.length)
    await agree(later, 'replicas agree with the restarted instance')
  }, 90_000)
})
