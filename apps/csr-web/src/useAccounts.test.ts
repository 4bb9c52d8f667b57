import { describe, expect, it } from 'vitest'
import { staffRefusal } from './staffRoles'
import { refusalText } from './useAccounts'

describe('refusalText', () => {
  it("makes a sentence of the server's message", () => {
    expect(refusalText('the password must be at least 12 characters', 'bad-request')).toBe(
      'The password must be at least 12 characters.',
    )
    expect(refusalText('The server cannot be reached. Check the connection.', 'network')).toBe(
      'The server cannot be reached. Check the connection.',
    )
  })

  it('adds what to do where the message does not say it', () => {
    expect(refusalText('403 Forbidden', 'forbidden')).toBe(
      '403 Forbidden. Only administrators manage accounts.',
    )
    expect(refusalText('500 Internal Server Error', 'server')).toMatch(/Try again in a moment\.$/)
  })
})

describe('staffRefusal', () => {
  const session = (role: string) => ({ token: 't', expiresAt: '', user: { id: 'x', role, name: 'X' } })

  it('opens the desk to agents, administrators and auditors only', () => {
    for (const role of ['csr', 'admin', 'auditor']) expect(staffRefusal(session(role))).toBeNull()
    expect(staffRefusal(session('customer'))).toMatch(/customer dashboard/)
    expect(staffRefusal(session('service'))).toMatch(/service account/)
  })
})
