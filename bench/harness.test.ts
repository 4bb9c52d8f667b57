/**
 * The harness itself works: which scenario runs on which target and in what order, the tables
 * reading the results, and a tiny workload through the whole plumbing (deployment, load generator,
 * results) — 1 document × 2 clients, 20 decisions, on each of the three servers; a closed loop on
 * consent-sync; the connections curve at 4 and 6 connections on the stock server; 10 decisions
 * across two consent-sync instances on PostgreSQL + Redis. No child
 * process is left behind. Speeds are not asserted here; they live in the benchmark's results.
 */
import { describe, expect, it } from 'vitest'
import { liveChildren } from './lib/children'
import { servicesAvailable } from './lib/deployment'
import { runBench, runScenario, schedule } from './lib/harness'
import { fitToOpenFiles, planFor } from './lib/plan'
import {
  CONNECTIONS,
  type ConnectionsResult,
  DURABLE_NORMAL,
  type DurableResult,
  SCENARIOS,
  SEQUENTIAL,
} from './lib/scenarios'
import { report } from './lib/tables'
import { PEERS, parseTarget, SCALE_OUT, targetName } from './lib/target'
import type { SequentialResult } from './loadgen/tasks'

const tiny = planFor('tiny')
// The scale-out check needs PostgreSQL and Redis; without them it is skipped, not failed.
const services = await servicesAvailable()
const ALL = [...PEERS, ...SCALE_OUT.slice(1)]

describe('bench harness', () => {
  it('names targets as server/store/instances and refuses what it cannot start', () => {
    expect(ALL.map(targetName)).toEqual([
      'consent-sync',
      'y-websocket',
      'hocuspocus',
      'consent-sync/postgres',
      'consent-sync/postgres/2',
    ])
    for (const t of ALL) expect(parseTarget(targetName(t))).toEqual(t)
    expect(() => parseTarget('consent-sync/sqlite/2')).toThrow(/shared store/)
    expect(() => parseTarget('y-websocket/postgres')).toThrow(/memory/)
    expect(() => parseTarget('automerge')).toThrow(/unknown target/)
  })

  it('schedules the key scenarios on every target per repeat, then the rest where they apply', () => {
    const full = planFor('full')
    const runs = schedule(full, ALL, SCENARIOS).map((r) => `${r.scenario.id} ${targetName(r.target)}`)
    const ownStores = ['consent-sync', 'y-websocket', 'hocuspocus']
    const everywhere = (id: string) => ALL.map((t) => `${id} ${targetName(t)}`)
    const perRepeat = [
      ...everywhere('1-sequential'),
      ...everywhere('2-scale'),
      // The second rate compares the servers, each on its own store.
      ...ownStores.map((t) => `2-scale-2000 ${t}`),
      ...everywhere('3-durable-FULL'),
      '3-durable-NORMAL consent-sync',
    ]
    expect(runs).toEqual([
      ...perRepeat,
      ...perRepeat,
      ...ownStores.map((t) => `2-saturation ${t}`),
      ...ownStores.map((t) => `4b-connections ${t}`),
      // Nothing to load from memory.
      '5-cold consent-sync',
      '5-cold hocuspocus',
      ...ownStores.map((t) => `6-storm ${t}`),
    ])
    // The harness test's own plan has only the key scenarios.
    expect(new Set(schedule(tiny, ALL, SCENARIOS).map((r) => r.scenario.id))).toEqual(
      new Set(['1-sequential', '2-scale', '2-scale-2000', '3-durable-FULL', '3-durable-NORMAL']),
    )
  })

  it('opens no more connections than the open-files limit leaves room for', () => {
    const full = planFor('full')
    expect(fitToOpenFiles(full, 65_536)).toEqual({ plan: full, cut: [] })
    const { plan, cut } = fitToOpenFiles(full, 20_000)
    expect(plan.connections?.sizes).toEqual([1000, 5000, 20_000 - 200])
    expect(cut).toEqual([[20_000, 19_800]])
  })

  it('draws the connections curve: memory, then propagation with every connection open', async () => {
    const connections = {
      sizes: [4, 6],
      rate: 20,
      seconds: 0.5,
      openPerSecond: 1000,
      settleMs: 0,
      pauseMs: 0,
    }
    const plan = { ...tiny, connections }
    const r = (await runScenario(CONNECTIONS, parseTarget('y-websocket'), plan)) as ConnectionsResult
    expect(r.points.map((p) => [p.connections, p.docs])).toEqual([
      [4, 2],
      [6, 3],
    ])
    for (const p of r.points) {
      expect(p.updates.connections).toBe(p.connections)
      expect(p.updates.received).toBe(p.updates.sent)
      expect(p.updates.sent).toBeGreaterThan(0)
      expect(p.watchers.openFiles - p.idle.openFiles).toBeGreaterThanOrEqual(p.connections)
    }
    const table = report(plan, { '4b-connections': { 'y-websocket': [r] } }, [])
    expect(table).toContain('| 4b. RSS with 6 connections (3 docs × writer + watcher) | MB |')
    expect(table).toContain('| 4b. … p99 at 6 connections | ms |')
    expect(liveChildren()).toEqual([])
  })

  it('measures propagation on each of the three servers, and tabulates it', async () => {
    const { results, skipped } = await runBench(tiny, PEERS, [SEQUENTIAL], () => {})
    expect(skipped).toEqual({})
    for (const t of PEERS) {
      const [r] = (results['1-sequential']?.[targetName(t)] ?? []) as SequentialResult[]
      expect(r, targetName(t)).toMatchObject({ decisions: 20, received: 20, lost: 0 })
      expect(r!.latencyMs.count).toBe(20)
      expect(r!.latencyMs.p50).toBeGreaterThan(0)
      expect(r!.latencyMs.max).toBeGreaterThanOrEqual(r!.latencyMs.p99 ?? Number.POSITIVE_INFINITY)
    }
    const table = report(tiny, results, [])
    expect(table).toContain('| metric | unit | consent-sync | y-websocket | hocuspocus | cs / y-websocket |')
    expect(table).toMatch(/\| 1\. … delivered \| count \| 20 \| 20 \| 20 \| 1\.00× \| 1\.00× \|/)
    // Scenarios that did not run have no rows, and the scale-out table compares nothing here.
    expect(table).not.toContain('2. scale')
    expect(table).not.toContain('Scaling out')
    expect(liveChildren()).toEqual([])
  })

  it('counts acceptances in a closed loop (consent-sync: durable acks)', async () => {
    const r = (await runScenario(DURABLE_NORMAL, parseTarget('consent-sync'), tiny)) as DurableResult
    expect(r.ack).toBe('durable')
    expect(r.accepted).toBeGreaterThan(0)
    expect(r.ackLatencyMs.count).toBe(r.accepted)
    expect(r.updatesPerCommit).toBeGreaterThan(0)
    expect(liveChildren()).toEqual([])
  })

  it.skipIf(!services.ok)('measures propagation across two instances on PostgreSQL + Redis', async () => {
    const plan = { ...tiny, sequentialDecisions: 10 }
    const r = (await runScenario(
      SEQUENTIAL,
      parseTarget('consent-sync/postgres/2'),
      plan,
    )) as SequentialResult
    expect(r.received).toBe(10)
    expect(r.lost).toBe(0)
    expect(r.latencyMs.count).toBe(10)
    expect(liveChildren()).toEqual([])
  })
})
