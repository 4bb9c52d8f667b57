/** What a soak reports, and whether every promise of README.md held. */
import { CloseCode } from '@consent-sync/protocol'
import type { FinalCheck } from './check'
import type { Rejection } from './clients'
import type { SteadyReport } from './steady'

export type FaultCounts = Record<string, number>

export interface SoakResult {
  seed: number
  minutes: number
  short: boolean
  startedAt: string
  durationMs: number
  clients: { handles: number; stock: number; customers: number; agents: number }
  decisions: {
    made: number
    acknowledged: number
    lost: number
    lostIds: string[]
    rejected: number
    rejections: Rejection[]
  }
  /** Rule-breaking updates sent on purpose: each must be refused and never applied. */
  forgeries: { attempted: number; rejected: number; applied: number }
  faults: FaultCounts
  /** From the last fault until every client was online, synced and had nothing waiting. */
  settleMs: number
  /** Windows without faults: closes by code and new connections per client per minute. */
  steady: SteadyReport[]
  /** Every close the server made over the whole run, by code (4529 must not appear: no client floods). */
  closesByCode: Record<string, number>
  server: {
    kills: number
    sigterms: number
    restarts: number
    sigtermExits: (number | null)[]
    maxRestartMs: number
    /** Slowest graceful (SIGTERM) shutdown. */
    maxShutdownMs: number
    closes1012: number
    warnings: string[]
  }
  check: FinalCheck
  ok: boolean
}

/** Every promise of README.md's table held. */
export function promisesHeld(r: Omit<SoakResult, 'ok'>): boolean {
  const { check } = r
  return (
    (r.closesByCode[CloseCode.RateLimited] ?? 0) === 0 &&
    r.steady.every((w) => w.problems.length === 0) &&
    r.forgeries.applied === 0 &&
    check.converged &&
    check.lostIds.length === 0 &&
    r.decisions.rejected === 0 &&
    check.verify.code === 0 &&
    check.unsettled.length === 0 &&
    check.readyz &&
    check.unsaved.length === 0 &&
    check.unknownInServer.length === 0 &&
    check.sigtermExitCode === 0 &&
    r.server.sigtermExits.every((c) => c === 0)
  )
}
