/**
 * The harness itself works: which scenario runs on which target and in what order, the tables
 * reading the results, and a tiny workload through the whole plumbing (deployment, load generator,
 * results) — 1 document × 2 clients, 20 decisions, on each of the three servers; a closed loop on
 * consent-sync; 10 decisions across two consent-sync instances on PostgreSQL + Redis. No child
 * process is left behind. Speeds are not asserted here; they live in the benchmark's results.
 */
import { describe, expect, it } from 'vitest'
import { liveChildren } from './lib/children'
import { servicesAvailable } from './lib/deployment'
import { runBench, runScenario, schedule } from './lib/harness'
import { planFor } from './lib/plan'
import { DURABLE_NORMAL, type DurableResult, SCENARIOS, SEQUENTIAL } from './lib/scenarios'
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
    const perRepeat = [
      ...['1-sequential', '2-scale', '3-durable-FULL'].flatMap((id) =>
        ALL.map((t) => `${id} ${targetName(t)}`),
      ),
      '3-durable-NORMAL consent-sync',
    ]
    const ownStores = ['consent-sync', 'y-websocket', 'hocuspocus']
    expect(runs).toEqual([
      ...perRepeat,
      ...perRepeat,
      ...ownStores.map((t) => `2-saturation ${t}`),
      ...ownStores.map((t) => `4-memory ${t}`),
      // Nothing to load from memory.
      '5-cold consent-sync',
      '5-cold hocuspocus',
      ...ownStores.map((t) => `6-storm ${t}`),
    ])
    // The harness test's own plan has only the key scenarios.
    expect(new Set(schedule(tiny, ALL, SCENARIOS).map((r) => r.scenario.id))).toEqual(
      new Set(['1-sequential', '2-scale', '3-durable-FULL', '3-durable-NORMAL']),
    )
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
