import { describe, expect, it } from 'vitest'
import { adminPageOf } from './useHashCustomer'

describe('adminPageOf', () => {
  it('names the admin page of each admin hash', () => {
    expect(adminPageOf('#/admin')).toBe('catalog')
    expect(adminPageOf('#/admin/accounts')).toBe('accounts')
    expect(adminPageOf('#/admin/webhooks')).toBe('webhooks')
    expect(adminPageOf('#/admin/log')).toBe('log')
    expect(adminPageOf('#/admin/analytics')).toBe('analytics')
  })

  it('is the customers screen for anything else, a sign-in token included', () => {
    expect(adminPageOf('')).toBeNull()
    expect(adminPageOf('#/customer/C-0001')).toBeNull()
    expect(adminPageOf('#/admin/nothing')).toBeNull()
    expect(adminPageOf('#access_token=eyJhbGciOiJFUzI1NiJ9.e30.sig')).toBeNull()
  })
})
