import type { LinkShape } from './link'
import type { Rng } from './rng'

type Range = readonly [number, number]

/** How hard and how often the soak hits, for the short (test) and the long mode. */
export interface Profile {
  faultMs: number
  clients: number
  decideEveryMs: Range
  netFaultEveryMs: Range
  halfOpenMs: Range
  liftMs: Range
  killEveryMs: Range
  /** Share of server faults that are a graceful SIGTERM restart rather than SIGKILL. */
  sigtermShare: number
  /** Server faults (0-based) that are SIGTERM whatever the draw: the short mode has at least one. */
  sigtermAt: readonly number[]
  downtimeMs: Range
  offlineEveryMs: Range
  offlineMs: Range
  /** A rule-breaking client tries (directly, not through a proxy). */
  forgeEveryMs: Range
  convergeTimeoutMs: number
  /** The steady window after the faults (no faults, people deciding and changing presence). */
  steadyMs: number
  /** Steady windows in the middle of the fault phase: every this often, that long (none when 0). */
  steadyEveryMs: number
  midSteadyMs: number
  progressEveryMs: number
  shape: (rng: Rng) => LinkShape
}

/** Per connection: some links fast, most with latency and jitter, some slow (mobile). */
function shape(rng: Rng): LinkShape {
  const slow = rng.chance(0.25)
  return {
    latencyMs: rng.chance(0.2) ? 0 : rng.between(5, slow ? 400 : 120),
    jitterMs: rng.between(0, slow ? 200 : 40),
    bytesPerSecond: slow ? rng.int(8_000, 64_000) : rng.chance(0.3) ? rng.int(64_000, 1_000_000) : 0,
  }
}

export function profileFor(options: { minutes: number; short?: boolean }): Profile {
  /** Each setting as [short mode (the test), long mode]. */
  const mode = <T>(short: T, long: T): T => (options.short ? short : long)
  return {
    faultMs: Math.round(options.minutes * 60_000),
    clients: mode(12, 20),
    decideEveryMs: mode([60, 250], [100, 600]),
    netFaultEveryMs: mode([200, 900], [500, 2_500]),
    halfOpenMs: mode([1_000, 4_000], [5_000, 25_000]),
    liftMs: mode([3_000, 8_000], [30_000, 120_000]),
    killEveryMs: mode([13_000, 19_000], [35_000, 70_000]),
    sigtermShare: mode(0.25, 0.2),
    sigtermAt: mode([1], []),
    downtimeMs: mode([0, 1_500], [0, 5_000]),
    offlineEveryMs: mode([1_000, 3_000], [3_000, 10_000]),
    offlineMs: mode([2_000, 7_000], [5_000, 60_000]),
    forgeEveryMs: mode([4_000, 9_000], [15_000, 40_000]),
    convergeTimeoutMs: mode(45_000, 120_000),
    // The short one longer than two of a stock client's 15 s presence renewals.
    steadyMs: mode(35_000, 120_000),
    steadyEveryMs: mode(0, 10 * 60_000),
    midSteadyMs: mode(0, 60_000),
    progressEveryMs: mode(15_000, 60_000),
    shape,
  }
}
