/** The sizes of each scenario in quick and full mode (full must finish in about 15 minutes). */
export interface Plan {
  mode: 'quick' | 'full' | 'tiny'
  /** Runs of the key scenarios (1, 2, 3) per target, each on a fresh deployment, to show variance. */
  repeat: number
  sequentialDecisions: number
  scale: { docs: number; rate: number; seconds: number; steps: number[]; stepSeconds: number }
  /** Scenario 3: writers (one per document), seconds, and a watcher on each document or not. */
  durable: { docs: number; seconds: number; watchers: boolean }
  memory: { first: number; second: number; extraConnections: number } | null
  cold: { docs: number; decisionsPerDoc: number } | null
  stormClients: number | null
}

type Sizes = Omit<Plan, 'mode' | 'durable'> & { durable: Omit<Plan['durable'], 'watchers'> }

const SIZES: Record<Plan['mode'], Sizes> = {
  // The harness test: 1 doc × 2 clients, 20 decisions; nothing else.
  tiny: {
    repeat: 1,
    sequentialDecisions: 20,
    scale: { docs: 1, rate: 20, seconds: 1, steps: [], stepSeconds: 0 },
    durable: { docs: 1, seconds: 1 },
    memory: null,
    cold: null,
    stormClients: null,
  },
  // A smoke check that finishes in about two minutes: one run, small sizes.
  quick: {
    repeat: 1,
    sequentialDecisions: 100,
    scale: { docs: 50, rate: 50, seconds: 3, steps: [], stepSeconds: 0 },
    durable: { docs: 50, seconds: 3 },
    memory: { first: 100, second: 300, extraConnections: 100 },
    cold: { docs: 30, decisionsPerDoc: 8 },
    stormClients: 100,
  },
  full: {
    repeat: 2,
    sequentialDecisions: 500,
    scale: { docs: 1000, rate: 500, seconds: 30, steps: [1000, 2000, 4000, 8000], stepSeconds: 10 },
    durable: { docs: 200, seconds: 10 },
    memory: { first: 1000, second: 10_000, extraConnections: 1000 },
    cold: { docs: 200, decisionsPerDoc: 12 },
    stormClients: 1000,
  },
}

export function planFor(mode: Plan['mode'], repeat?: number): Plan {
  const sizes = SIZES[mode]
  return { ...sizes, mode, repeat: repeat ?? sizes.repeat, durable: { ...sizes.durable, watchers: true } }
}

export const docNames = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `B-${String(from + i + 1).padStart(5, '0')}`)
