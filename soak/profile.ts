import type { LinkShape } from './proxy'
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
  if (options.short) {
    return {
      faultMs: Math.round(options.minutes * 60_000),
      clients: 12,
      decideEveryMs: [60, 250],
      netFaultEveryMs: [200, 900],
      halfOpenMs: [1_000, 4_000],
      liftMs: [3_000, 8_000],
      killEveryMs: [13_000, 19_000],
      sigtermShare: 0.25,
      sigtermAt: [1],
      downtimeMs: [0, 1_500],
      offlineEveryMs: [1_000, 3_000],
      offlineMs: [2_000, 7_000],
      forgeEveryMs: [4_000, 9_000],
      convergeTimeoutMs: 45_000,
      // Longer than two of a stock client's 15 s presence renewals.
      steadyMs: 35_000,
      steadyEveryMs: 0,
      midSteadyMs: 0,
      progressEveryMs: 15_000,
      shape,
    }
  }
  return {
    faultMs: Math.round(options.minutes * 60_000),
    clients: 20,
    decideEveryMs: [100, 600],
    netFaultEveryMs: [500, 2_500],
    halfOpenMs: [5_000, 25_000],
    liftMs: [30_000, 120_000],
    killEveryMs: [35_000, 70_000],
    sigtermShare: 0.2,
    sigtermAt: [],
    downtimeMs: [0, 5_000],
    offlineEveryMs: [3_000, 10_000],
    offlineMs: [5_000, 60_000],
    forgeEveryMs: [15_000, 40_000],
    convergeTimeoutMs: 120_000,
    steadyMs: 120_000,
    steadyEveryMs: 10 * 60_000,
    midSteadyMs: 60_000,
    progressEveryMs: 60_000,
    shape,
  }
}
