/**
 * The harness itself works: a tiny workload (1 document × 2 clients, 20 decisions) against each of
 * the three servers records a latency per decision, and leaves no child process behind; the same
 * across two consent-sync instances on PostgreSQL + Redis (1 document, 10 decisions).
 * Speeds are not asserted here; they live in the benchmark's results.
 */
import { describe, expect, it } from 'vitest'
import { liveChildren } from './lib/children'
import { planFor } from './lib/plan'
import { sequentialOn, servicesAvailable } from './lib/scale-out'
import { durable, sequential } from './lib/scenarios'
import { SERVER_KINDS } from './lib/servers'

const plan = planFor('tiny')
// The scale-out check needs PostgreSQL and Redis; without them it is skipped, not failed.
const services = await servicesAvailable()

describe('bench harness', () => {
  for (const kind of SERVER_KINDS) {
    it(`measures propagation on ${kind}`, async () => {
      const r = await sequential(kind, plan)
      expect(r.decisions).toBe(20)
      expect(r.received).toBe(20)
      expect(r.lost).toBe(0)
      expect(r.latencyMs.count).toBe(20)
      expect(r.latencyMs.p50).toBeGreaterThan(0)
      expect(r.latencyMs.max).toBeGreaterThanOrEqual(r.latencyMs.p99 ?? Number.POSITIVE_INFINITY)
      expect(liveChildren()).toEqual([])
    })
  }

  it('counts acceptances in a closed loop (consent-sync: durable acks)', async () => {
    const r = await durable('consent-sync', plan, 'NORMAL')
    expect(r.ack).toBe('durable')
    expect(r.accepted).toBeGreaterThan(0)
    expect(r.ackLatencyMs.count).toBe(r.accepted)
    expect(liveChildren()).toEqual([])
  })

  it.skipIf(!services.ok)('measures propagation across two instances on PostgreSQL + Redis', async () => {
    const r = await sequentialOn('postgres-2', { ...plan, sequentialDecisions: 10 })
    expect(r.received).toBe(10)
    expect(r.lost).toBe(0)
    expect(r.latencyMs.count).toBe(10)
    expect(liveChildren()).toEqual([])
  })
})
