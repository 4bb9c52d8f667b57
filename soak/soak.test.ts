/**
 * The short soak (about a minute of faults, 12 clients, 2–3 server kills and a graceful restart)
 * with a fixed seed: every promise of README.md must hold.
 */
import { CloseCode } from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import { runSoak } from './soak'

process.setMaxListeners(0)

describe('fault soak, short mode', () => {
  it('converges, loses nothing acknowledged, leaves nothing pending, and the audit log verifies', async () => {
    const lines: string[] = []
    const r = await runSoak({ seed: 7, minutes: 1, short: true, log: (l) => lines.push(l) })
    const context = `${lines.join('\n')}\n${JSON.stringify({ check: r.check, rejections: r.decisions.rejections, steady: r.steady, closes: r.closesByCode }, null, 2)}`
    expect(r.server.kills + r.server.sigterms, context).toBeGreaterThanOrEqual(2)
    expect(r.decisions.made, context).toBeGreaterThan(100)
    expect(r.check.converged, context).toBe(true)
    // Steady state: no close and no reconnect once the faults stop; no 4529 at any time.
    expect(r.steady.length, context).toBeGreaterThanOrEqual(1)
    expect(
      r.steady.flatMap((w) => w.problems),
      context,
    ).toEqual([])
    expect(r.closesByCode[CloseCode.RateLimited] ?? 0, context).toBe(0)
    expect(r.check.mismatches, context).toEqual([])
    expect(r.decisions.acknowledged, context).toBe(r.decisions.made)
    expect(r.check.lostIds, context).toEqual([])
    expect(r.decisions.rejections, context).toEqual([])
    expect(r.check.unsettled, context).toEqual([])
    expect(r.check.unsaved, context).toEqual([])
    expect(r.check.unknownInServer, context).toEqual([])
    expect(r.check.duplicateIds, context).toBe(0)
    expect(r.forgeries.attempted, context).toBeGreaterThan(0)
    expect(r.forgeries.applied, context).toBe(0)
    expect(r.check.readyz, context).toBe(true)
    expect(
      r.server.sigtermExits.every((c) => c === 0),
      context,
    ).toBe(true)
    expect(r.check.sigtermExitCode, context).toBe(0)
    expect(r.check.verify.code, context).toBe(0)
    expect(r.check.verify.summary, context).toMatch(/^OK: 5 customers, \d+ audit entries/)
    expect(r.ok, context).toBe(true)
  })
})
