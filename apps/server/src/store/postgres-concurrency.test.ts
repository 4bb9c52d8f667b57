import {
  type AuditEntry,
  type ChainHead,
  type NoticeVersion,
  noticeTextHash,
  verifyChain,
} from '@consent-sync/consent-core'
import pg from 'pg'
import { describe, expect, it, onTestFinished } from 'vitest'
import { verifyAdminChain } from '../audit/admin-chain'
import { POSTGRES_URL, scaleOutServices } from '../testing/services'
import { postgresStores } from '../testing/stores'
import { until } from '../testing/until'
import { consentHistory, rechained, type Step } from './conformance/history'
import type { AppendRequest } from './document-log'
import type { Store } from './store'

const services = await scaleOutServices({ redis: false, skipping: 'the PostgreSQL concurrency tests' })

/** Two stores with their own pools on one fresh schema: two server instances sharing a database. */
async function setup(): Promise<{ instances: [Store, Store]; schema: string }> {
  const fixture = postgresStores({ max: 4 })
  onTestFinished(fixture.cleanup)
  const instances: [Store, Store] = [fixture.open(), fixture.open()]
  await Promise.all(instances.map((s) => s.migrate()))
  return { instances, schema: fixture.schema }
}

/** Splits requests into batches of 1–4, every other batch reversed so customers are met in both orders. */
function batches(requests: readonly AppendRequest[]): AppendRequest[][] {
  const out: AppendRequest[][] = []
  for (let i = 0, size = 1; i < requests.length; i += size, size = (size % 4) + 1) {
    const batch = requests.slice(i, i + size)
    out.push(out.length % 2 === 0 ? batch : batch.reverse())
  }
  return out
}

/**
 * One instance's committer: each batch (one after another) chained onto what it knows of each
 * customer, with that seq expected; what comes back `behind` is chained again onto the stored head
 * and sent again, as a room does after catching up. Returns the requests as they were stored.
 */
async function sendAsInstance(store: Store, requests: readonly AppendRequest[]): Promise<AppendRequest[]> {
  const known = new Map<string, { seq: number; head: ChainHead }>()
  const stored: AppendRequest[] = []
  for (const batch of batches(requests)) {
    let pending = batch
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 100) throw new Error('an append was behind 100 times')
      const prepared = pending.map((r) => {
        const k = known.get(r.customerId) ?? { seq: 0, head: { seq: 0, hash: '0'.repeat(64) } }
        const request = { ...rechained(r, k.head), expectedSeq: k.seq }
        const last = request.entries.at(-1)
        known.set(r.customerId, { seq: k.seq + 1, head: last ? { seq: last.seq, hash: last.hash } : k.head })
        return request
      })
      const results = await store.append(prepared)
      const behind = new Set(results.filter((r) => r.behind).map((r) => r.customerId))
      for (const id of behind)
        known.set(id, { seq: await store.updateSeq(id), head: await store.chainHead(id) })
      stored.push(...prepared.filter((_, i) => !results[i]?.behind))
      pending = pending.filter((_, i) => results[i]?.behind)
    }
  }
  return stored
}

describe.skipIf(!services.ok)(
  'postgres store: two instances appending for the same customers at once',
  () => {
    it('keeps every customer’s seqs gapless and its hash chain whole', async () => {
      const {
        instances: [one, two],
      } = await setup()
      const ids = ['C-0001', 'C-0002', 'C-0003']
      const histories = ids.map((id) => consentHistory(id))
      let clock = Date.parse('2026-11-02T08:00:00.000Z')
      const step = (purposeId: string, i: number): Step => {
        clock += 1000
        return {
          purposeId,
          state: i % 2 === 0 ? 'granted' : 'withdrawn',
          by: i % 3 === 0 ? 'csr' : 'customer',
          receivedAt: new Date(clock).toISOString(),
        }
      }
      const perInstance = 200
      const requests = Array.from({ length: 2 * perInstance }, (_, i) => {
        const history = histories[i % ids.length]!
        // Every fifth update carries two decisions, so audit seqs run ahead of update seqs.
        return history.record(
          i % 5 === 0
            ? [step('marketing-sms', i), step('marketing-push', i + 1)]
            : [step('marketing-sms', i)],
        )
      })

      const [fromOne, fromTwo] = await Promise.all([
        sendAsInstance(
          one,
          requests.filter((_, i) => i % 2 === 0),
        ),
        sendAsInstance(
          two,
          requests.filter((_, i) => i % 2 === 1),
        ),
      ])
      const results = [...fromOne, ...fromTwo]
      expect(fromOne).toHaveLength(perInstance)
      expect(fromTwo).toHaveLength(perInstance)

      let totalEntries = 0
      for (const id of ids) {
        const mine = requests.filter((r) => r.customerId === id)
        const returned = results.filter((r) => r.customerId === id)
        const expectedSeqs = Array.from({ length: mine.length }, (_, i) => i + 1)
        expect(returned.map((r) => (r.expectedSeq ?? 0) + 1).sort((x, y) => x - y)).toEqual(expectedSeqs)

        // Every update stored exactly once, under seqs 1..n.
        const stored = await one.updatesSince(id, 0)
        expect(stored.map((u) => u.seq)).toEqual(expectedSeqs)
        expect(stored.map((u) => u.hash).sort()).toEqual(mine.map((r) => r.meta.hash).sort())
        expect(await two.updateSeq(id)).toBe(mine.length)

        const chain = await two.auditChain(id)
        const records = mine.reduce((n, r) => n + r.entries.length, 0)
        totalEntries += records
        expect(chain).toHaveLength(records)
        const verdict = verifyChain(chain)
        expect(verdict.ok).toBe(true)
        expect(await one.chainHead(id)).toEqual({ seq: records, hash: chain.at(-1)!.hash })
        // The entries of the requests as they were stored are the chain.
        expect(returned.flatMap((r) => r.entries).sort((a, b) => a.seq - b.seq)).toEqual(chain)

        // The chain follows the update log: entries were chained in the transaction that gave their update its seq.
        const seqOf = new Map(stored.map((u) => [u.hash, u.seq]))
        const updateSeqs = chain.map((e) => seqOf.get(e.updateHash)!)
        expect(updateSeqs).toEqual([...updateSeqs].sort((x, y) => x - y))
      }

      const all: AuditEntry[] = []
      for await (const e of one.streamAudit({})) all.push(e)
      expect(all).toHaveLength(totalEntries)
      expect(await two.documentIds()).toEqual(ids)
    })

    it('runs an append again when PostgreSQL breaks a deadlock by aborting it', async () => {
      const {
        instances: [store],
        schema,
      } = await setup()
      let minute = 0
      const next = (): Step => ({
        purposeId: 'marketing-sms',
        state: ++minute % 2 === 1 ? 'granted' : 'withdrawn',
        by: 'customer',
        receivedAt: new Date(Date.parse('2026-11-02T08:00:00.000Z') + minute * 60_000).toISOString(),
      })
      const a = consentHistory('C-0001')
      const b = consentHistory('C-0002')
      await store.append([a.record([next()]), b.record([next()])])

      const connect = async () => {
        const client = new pg.Client({ connectionString: POSTGRES_URL })
        await client.connect()
        onTestFinished(() => client.end())
        return client
      }
      const other = await connect()
      const observer = await connect()
      const otherPid = (await other.query('SELECT pg_backend_pid() AS pid')).rows[0].pid
      // Lets the append's backend, which waits first, be the one that finds the cycle (superusers only).
      await other.query(`SET deadlock_timeout = '5s'`).catch(() => {})
      const row = (id: string) => `SELECT 1 FROM "${schema}".documents WHERE customer_id = '${id}' FOR UPDATE`

      /** One deadlock: true when PostgreSQL aborted the append (not the other session). */
      async function deadlockOnce(): Promise<boolean> {
        // The other session holds C-0002; the append locks C-0001, then waits for C-0002.
        await other.query('BEGIN')
        await other.query(row('C-0002'))
        const appended = store.append([a.record([next()]), b.record([next()])])
        await until(
          async () =>
            (
              await observer.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [
                otherPid,
              ])
            ).rowCount,
          5000,
          'the append to wait for the row lock',
        )
        // Now the other session wants C-0001: a cycle, which PostgreSQL breaks by aborting one side.
        const otherAborted = await other.query(row('C-0001')).then(
          () => false,
          (err: { code?: string }) => {
            if (err.code !== '40P01') throw err
            return true
          },
        )
        await other.query(otherAborted ? 'ROLLBACK' : 'COMMIT')
        await appended
        return !otherAborted
      }

      // On a loaded machine the append's single deadlock check may run before the cycle forms; then
      // the other session is aborted instead and the scenario is played again.
      let appendAborted = false
      for (let tries = 0; tries < 3 && !appendAborted; tries++) appendAborted = await deadlockOnce()
      expect(appendAborted).toBe(true)
      const appends = minute / 2
      for (const id of ['C-0001', 'C-0002']) {
        const seqs = (await store.updatesSince(id, 0)).map((u) => u.seq)
        expect(seqs).toEqual(Array.from({ length: appends }, (_, i) => i + 1))
        expect(verifyChain(await store.auditChain(id)).ok).toBe(true)
      }
    })
  },
)

describe.skipIf(!services.ok)('postgres store: two instances writing the catalog at once', () => {
  const admin = (target: string, i: number) => ({
    action: 'version.publish',
    target,
    actorId: `admin${i % 2}`,
    actorRole: 'admin',
    at: new Date(Date.parse('2026-11-02T08:00:00.000Z') + i * 1000).toISOString(),
    details: { i },
  })
  const version = (purposeId: string, v: string): NoticeVersion => {
    const texts = {
      title: { en: `SMS ${v}`, si: `කෙටි පණිවිඩ ${v}`, ta: `குறுஞ்செய்தி ${v}` },
      notice: { en: `Notice ${v}`, si: `දැනුම්දීම ${v}`, ta: `அறிவிப்பு ${v}` },
    }
    return {
      purposeId,
      version: v,
      ...texts,
      textHash: noticeTextHash(purposeId, v, texts),
      material: false,
      publishedAt: '2026-11-02T08:00:00.000Z',
      publishedBy: 'admin1',
    }
  }
  const purpose = (id: string) => ({
    id,
    default: 'withdrawn' as const,
    status: 'active' as const,
    createdAt: '2026-11-02T08:00:00.000Z',
  })

  it('lands 10 publishes from each, gapless, on one valid admin chain', async () => {
    const {
      instances: [one, two],
    } = await setup()
    const first = version('marketing-sms', '1.0')
    await one.createPurpose(purpose('marketing-sms'), first, admin('purpose:marketing-sms', 0))
    const publishAll = (store: Store, name: string) =>
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.publishVersion(version('marketing-sms', `${name}.${i}`), admin(`version:${name}.${i}`, i)),
        ),
      )
    const [fromOne, fromTwo] = await Promise.all([publishAll(one, 'a'), publishAll(two, 'b')])
    expect([...fromOne, ...fromTwo].every((r) => r.ok)).toBe(true)
    const log = await two.adminLog()
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
    expect(verifyAdminChain(log).ok).toBe(true)
    // Each answer is the entry as stored.
    const stored = new Map(log.map((e) => [e.seq, e]))
    for (const r of [...fromOne, ...fromTwo]) if (r.ok) expect(stored.get(r.entry.seq)).toStrictEqual(r.entry)
    expect(await one.listVersions('marketing-sms')).toHaveLength(21)
  })

  it('lets one of two instances publishing the same version at once have it; the other is refused', async () => {
    const {
      instances: [one, two],
    } = await setup()
    const created = await Promise.all(
      [one, two].map((s, i) =>
        s.createPurpose(purpose('marketing-sms'), version('marketing-sms', '1.0'), admin('p', i)),
      ),
    )
    expect(created.map((r) => (r.ok ? 'ok' : r.conflict)).sort()).toEqual(['ok', 'purpose-exists'])
    const published = await Promise.all(
      [one, two, one, two].map((s, i) => s.publishVersion(version('marketing-sms', '2.0'), admin('v', i))),
    )
    expect(published.filter((r) => r.ok)).toHaveLength(1)
    expect(published.filter((r) => !r.ok)).toEqual(
      Array.from({ length: 3 }, () => ({ ok: false, conflict: 'version-exists' })),
    )
    const log = await one.adminLog()
    expect(log.map((e) => e.seq)).toEqual([1, 2])
    expect(verifyAdminChain(log).ok).toBe(true)
  })
})
