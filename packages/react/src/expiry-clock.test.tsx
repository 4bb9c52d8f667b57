import { DEFAULT_CATALOG, type Decision, type Purpose, type PurposeState } from '@consent-sync/consent-core'
import { cleanup, renderHook, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { nextExpiry, useExpiryClock } from './expiry-clock'

afterEach(cleanup)

const SMS = DEFAULT_CATALOG.purposes.find((p) => p.id === 'marketing-sms') as Purpose
const DAY = 24 * 60 * 60 * 1000

function grantAt(at: string): PurposeState {
  const d: Decision = {
    id: 'd-1',
    purposeId: SMS.id,
    state: 'granted',
    supersedes: [],
    at,
    actor: { id: 'C-0001', role: 'customer' },
    channel: 'web',
    noticeVersion: SMS.version,
  }
  return { purposeId: SMS.id, state: 'granted', conflicted: false, decision: d, heads: [d] }
}

const withLifetime = (days: number) => ({
  version: 'v',
  purposes: [
    {
      ...SMS,
      versions: [
        { version: SMS.version, textHash: 'h', material: false, lifetimeDays: days, publishedAt: '' },
      ],
    },
  ],
})

describe('the expiry clock', () => {
  it('finds the next expiry of the grants shown', () => {
    const now = Date.parse('2026-12-01T00:00:00Z')
    expect(nextExpiry([grantAt('2026-11-30T00:00:00Z')], withLifetime(30), now)).toBe(
      Date.parse('2026-11-30T00:00:00Z') + 30 * DAY,
    )
    expect(nextExpiry([grantAt('2026-10-01T00:00:00Z')], withLifetime(30), now)).toBeUndefined()
    expect(nextExpiry([grantAt('2026-11-30T00:00:00Z')], DEFAULT_CATALOG, now)).toBeUndefined()
  })

  it('moves on when a grant on show expires', async () => {
    // A one-day lifetime that ends a moment from now.
    const state = grantAt(new Date(Date.now() - DAY + 100).toISOString())
    const { result } = renderHook(() => useExpiryClock([state], withLifetime(1)))
    const first = result.current
    await waitFor(() => expect(result.current).toBeGreaterThan(first + 100), { timeout: 2000 })
  })
})
