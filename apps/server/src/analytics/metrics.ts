import { Gauge, type Registry } from 'prom-client'
import type { FigureDeps } from './figures'
import { purposeFigures } from './figures'

/** A scrape reuses figures this fresh: the four gauges are read from one computation. */
const FRESH_MS = 1000

/**
 * The headline figures as gauges (GET /metrics), so a Grafana panel can alert on them: customers
 * on record, granted customers and share per purpose, open conflicts per purpose. A small group's
 * series is absent, as in the API (k-anonymity).
 */
export function registerAnalyticsGauges(
  registry: Registry,
  figures: () => Promise<FigureDeps>,
  now: () => number = Date.now,
): void {
  let cached: { at: number; value: Promise<Snapshot> } | null = null
  const snapshot = (): Promise<Snapshot> => {
    if (cached && now() - cached.at < FRESH_MS) return cached.value
    const value = figures().then(read)
    cached = { at: now(), value }
    // A failed read is not kept: the next scrape tries again.
    value.catch(() => {
      if (cached?.value === value) cached = null
    })
    return value
  }
  new Gauge({
    name: 'consent_sync_consent_customers',
    help: 'Customers with a consent record (the whole population: no group to single anyone out of)',
    registers: [registry],
    async collect() {
      const s = await snapshot()
      this.set(s.customers)
    },
  })
  new Gauge({
    name: 'consent_sync_consent_granted',
    help: 'Customers effectively granted, by purpose (absent below ANALYTICS_MIN_GROUP)',
    labelNames: ['purpose'],
    registers: [registry],
    async collect() {
      const s = await snapshot()
      this.reset()
      for (const p of s.purposes) if (p.granted !== null) this.set({ purpose: p.purposeId }, p.granted)
    },
  })
  new Gauge({
    name: 'consent_sync_consent_granted_share',
    help: 'Share of customers effectively granted, 0 to 1, by purpose (absent below ANALYTICS_MIN_GROUP)',
    labelNames: ['purpose'],
    registers: [registry],
    async collect() {
      const s = await snapshot()
      this.reset()
      for (const p of s.purposes) if (p.share !== null) this.set({ purpose: p.purposeId }, p.share)
    },
  })
  new Gauge({
    name: 'consent_sync_consent_open_conflicts',
    help: 'Open conflicts (concurrent decisions that disagree), by purpose',
    labelNames: ['purpose'],
    registers: [registry],
    async collect() {
      const s = await snapshot()
      this.reset()
      for (const c of s.conflicts) this.set({ purpose: c.purposeId }, c.open)
    },
  })
}

interface Snapshot {
  customers: number
  purposes: { purposeId: string; granted: number | null; share: number | null }[]
  conflicts: { purposeId: string; open: number }[]
}

async function read(f: FigureDeps): Promise<Snapshot> {
  const [customers, purposes, conflicts] = await Promise.all([
    f.reads.customersUpTo(null),
    purposeFigures(f, null),
    f.reads.openConflictCounts(),
  ])
  return {
    customers,
    purposes: purposes.map((p) => ({ purposeId: p.purposeId, granted: p.granted, share: p.grantedShare })),
    conflicts,
  }
}
