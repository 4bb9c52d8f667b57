import { afterEach, describe, expect, it } from 'vitest'
import { clearSession, loadSession, type Session, saveSession } from './session'

const SESSION: Session = {
  token: 'header.payload.signature',
  expiresAt: '2026-02-01T11:00:00Z',
  user: { id: 'csr1', role: 'csr', name: 'Dilani Wickramasinghe' },
}

afterEach(() => localStorage.clear())

describe('the saved session', () => {
  it('is kept per page base path, and forgotten on sign-out', () => {
    saveSession(SESSION)
    expect(loadSession()).toEqual(SESSION)
    expect(Object.keys(localStorage)).toEqual([
      `consent-sync:session:${new URL('./', location.href).pathname}`,
    ])
    saveSession({ ...SESSION, user: { ...SESSION.user, id: 'C-0001' } }, 'consent-sync:session:/customer/')
    expect(loadSession('consent-sync:session:/customer/')?.user.id).toBe('C-0001')
    clearSession()
    expect(loadSession()).toBeNull()
    expect(loadSession('consent-sync:session:/customer/')).not.toBeNull()
  })

  it('is nothing when what is stored is not a session', () => {
    localStorage.setItem('k', '{"token": 1}')
    expect(loadSession('k')).toBeNull()
    localStorage.setItem('k', 'not json')
    expect(loadSession('k')).toBeNull()
  })
})
