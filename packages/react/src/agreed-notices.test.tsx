import { DEFAULT_CATALOG, type Decision, type Purpose, type PurposeState } from '@consent-sync/consent-core'
import { renderHook, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useAgreedNotices, versionsToRenew } from './agreed-notices'

const SMS = DEFAULT_CATALOG.purposes.find((p) => p.id === 'marketing-sms') as Purpose
const REPUBLISHED: Purpose = {
  ...SMS,
  version: '2.0',
  notice: { ...SMS.notice, en: 'New text.' },
  versions: [
    { version: '2.0', textHash: 'h2', material: true, publishedAt: '2026-12-01T00:00:00Z' },
    { version: '1.0', textHash: 'h1', material: false, publishedAt: '2026-11-01T00:00:00Z' },
  ],
}
const CATALOG = { version: 'v2', purposes: [REPUBLISHED] }
const grant: Decision = {
  id: 'd-1',
  purposeId: SMS.id,
  state: 'granted',
  supersedes: [],
  at: '2026-11-02T00:00:00Z',
  actor: { id: 'C-0001', role: 'customer' },
  channel: 'web',
  noticeVersion: '1.0',
}
const STATES: PurposeState[] = [
  { purposeId: SMS.id, state: 'granted', conflicted: false, decision: grant, heads: [grant] },
]

afterEach(() => {
  vi.unstubAllGlobals()
  localStorage.clear()
})

describe('the texts a grant to renew was made under', () => {
  it('are wanted only for grants a material change asks to renew', () => {
    expect(versionsToRenew(STATES, CATALOG)).toEqual({ [SMS.id]: '1.0' })
    expect(versionsToRenew(STATES, { version: 'v1', purposes: [SMS] })).toEqual({})
  })

  it('are fetched once per version and cached on the device', async () => {
    const urls: string[] = []
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url)
      return new Response(
        JSON.stringify({ purposeId: SMS.id, version: '1.0', title: SMS.title, notice: SMS.notice }),
      )
    })
    const { result } = renderHook(() => useAgreedNotices(STATES, CATALOG))
    expect(result.current[SMS.id]).toEqual({ version: '1.0', status: 'loading' })
    await waitFor(() => expect(result.current[SMS.id]?.status).toBe('loaded'))
    expect(result.current[SMS.id]).toMatchObject({ texts: { notice: SMS.notice } })
    expect(urls).toEqual(['/api/purposes/marketing-sms/versions/1.0'])
    expect(localStorage.getItem('consent-sync:notice:marketing-sms@1.0')).not.toBeNull()
  })

  it('say so when they cannot be had', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    const { result } = renderHook(() => useAgreedNotices(STATES, CATALOG))
    await waitFor(() => expect(result.current[SMS.id]?.status).toBe('unavailable'))
  })
})
