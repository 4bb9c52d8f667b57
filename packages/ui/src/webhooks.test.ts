import { describe, expect, it } from 'vitest'
import { endpointStatusText, localInputToRfc3339 } from './webhooks'

describe('localInputToRfc3339', () => {
  it('names the same instant as the browser reads the local time', () => {
    const at = localInputToRfc3339('2026-12-02T15:30')
    expect(at).toMatch(/^2026-12-02T15:30:00[+-]\d{2}:\d{2}$/)
    expect(Date.parse(at ?? '')).toBe(new Date(2026, 11, 2, 15, 30).getTime())
  })

  it('is null for an empty or broken value', () => {
    expect(localInputToRfc3339('')).toBeNull()
    expect(localInputToRfc3339('tomorrow')).toBeNull()
  })
})

describe('endpointStatusText', () => {
  it('says why an endpoint is disabled', () => {
    expect(endpointStatusText({ enabled: true })).toBe('Enabled')
    expect(endpointStatusText({ enabled: false, disabledReason: 'gone' })).toBe(
      'Disabled: the endpoint answered 410 Gone',
    )
    expect(endpointStatusText({ enabled: false, disabledReason: 'admin' })).toBe(
      'Disabled by an administrator',
    )
  })
})
