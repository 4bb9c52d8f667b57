/** The sizes of each scenario in quick and full mode. */
export interface Plan {
  mode: 'quick' | 'full' | 'tiny'
  /** Runs of the key scenarios (1, 2, 3) per target, each on a fresh deployment, to show variance. */
  repeat: number
  sequentialDecisions: number
  scale: { docs: number; rate: number; seconds: number; steps: number[]; stepSeconds: number }
  /** Scenario 2 at the second rate (2 000 updates/s), its own key scenario. */
  scale2000: { docs: number; rate: number; seconds: number }
  /** Scenario 3: writers (one per document), seconds, and a watcher on each document or not. */
  durable: { docs: number; seconds: number; watchers: boolean }
  connections: ConnectionsPlan | null
  cold: { docs: number; decisionsPerDoc: number } | null
  stormClients: number | null
}

/** Scenario 4b, the memory and latency curve. */
export interface ConnectionsPlan {
  /** Connections open at each point (even): half as many documents, a writer and a watcher each. */
  sizes: number[]
  /** The modest aggregate rate of updates measured at each point, spread over the documents. */
  rate: number
  seconds: number
  /** New connections per second while opening (bounded, so the server is not measured mid-storm). */
  openPerSecond: number
  /** Wait after the writers' decisions before sampling memory (consent-sync drops an idle shadow copy 10–15 s after). */
  settleMs: number
  /** Wait before the other memory samples (a fresh server idle, every watcher open). */
  pauseMs: number
}

type Sizes = Omit<Plan, 'mode' | 'durable'> & { durable: Omit<Plan['durable'], 'watchers'> }

const SIZES: Record<Plan['mode'], Sizes> = {
  // The harness test: 1 doc × 2 clients, 20 decisions; nothing else.
  tiny: {
    repeat: 1,
    sequentialDecisions: 20,
    scale: { docs: 1, rate: 20, seconds: 1, steps: [], stepSeconds: 0 },
    scale2000: { docs: 1, rate: 20, seconds: 1 },
    durable: { docs: 1, seconds: 1 },
    connections: null,
    cold: null,
    stormClients: null,
  },
  // A smoke check that finishes in about two and a half minutes: one run, small sizes.
  quick: {
    repeat: 1,
    sequentialDecisions: 100,
    scale: { docs: 50, rate: 50, seconds: 3, steps: [], stepSeconds: 0 },
    scale2000: { docs: 1000, rate: 2000, seconds: 2 },
    durable: { docs: 50, seconds: 3 },
    connections: {
      sizes: [200, 1000],
      rate: 200,
      seconds: 3,
      openPerSecond: 1000,
      settleMs: 2000,
      pauseMs: 1000,
    },
    cold: { docs: 30, decisionsPerDoc: 8 },
    stormClients: 100,
  },
  full: {
    repeat: 2,
    sequentialDecisions: 500,
    scale: { docs: 1000, rate: 500, seconds: 30, steps: [1000, 2000, 4000, 8000], stepSeconds: 10 },
    scale2000: { docs: 1000, rate: 2000, seconds: 30 },
    durable: { docs: 200, seconds: 10 },
    connections: {
      sizes: [1000, 5000, 20_000],
      rate: 200,
      seconds: 20,
      openPerSecond: 1000,
      settleMs: 16_000,
      pauseMs: 2000,
    },
    cold: { docs: 200, decisionsPerDoc: 12 },
    stormClients: 1000,
  },
}

export function planFor(mode: Plan['mode'], repeat?: number): Plan {
  const sizes = SIZES[mode]
  return { ...sizes, mode, repeat: repeat ?? sizes.repeat, durable: { ...sizes.durable, watchers: true } }
}

/**
 * File descriptors a process here keeps besides its connections (stdio, the IPC channel, the event
 * loop, SQLite's database, WAL and shared-memory files on each thread, …): a server uses a few dozen.
 */
export const OTHER_OPEN_FILES = 200

/**
 * Each connection is a descriptor in the server and one in the load generator: the curve's points
 * are cut to what `openFiles` (the children's limit, lib/limits.ts) leaves room for, rounded down
 * to a hundred. Returns the plan and the points it cut, [asked, measured].
 */
export function fitToOpenFiles(plan: Plan, openFiles: number): { plan: Plan; cut: [number, number][] } {
  if (!plan.connections) return { plan, cut: [] }
  const room = Math.floor((openFiles - OTHER_OPEN_FILES) / 100) * 100
  const cut: [number, number][] = []
  const sizes = plan.connections.sizes.map((n) => {
    if (n <= room) return n
    cut.push([n, room])
    return room
  })
  return { plan: { ...plan, connections: { ...plan.connections, sizes } }, cut }
}

export const docNames = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `B-${String(from + i + 1).padStart(5, '0')}`)
