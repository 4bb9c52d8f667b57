import { loadSession, type Session, useCatalog, useFragmentSignIn } from '@consent-sync/react'
import { useCallback, useState } from 'react'
import { Dashboard } from './Dashboard'
import { LoginScreen } from './LoginScreen'
import { type SessionEnd, SessionProvider } from './SessionContext'
import { STAFF_ROLES, staffRefusal } from './staffRoles'

/** A customer's saved session (from another tab's mistake) does not open the agents' page. */
function savedStaffSession(): Session | null {
  const saved = loadSession()
  return saved && STAFF_ROLES.has(saved.user.role) ? saved : null
}

const SESSION_ENDED = 'You were signed out: your session ended or your account was disabled. Sign in again.'

export function App() {
  // First of all: a `#access_token=` leaves the URL here, before the hash routes below read it.
  const fragment = useFragmentSignIn(staffRefusal)
  const [session, setSession] = useState<Session | null>(savedStaffSession)
  const [ended, setEnded] = useState(false)
  // A token handed over in the URL replaces any saved session, as it arrives (no sign-in page flash).
  const [adopted, setAdopted] = useState<Session | null>(null)
  if (fragment.state === 'signed-in' && adopted !== fragment.session) {
    setAdopted(fragment.session)
    setSession(fragment.session)
  }
  const onChange = useCallback((next: Session | null, end?: SessionEnd) => {
    setEnded(end === 'ended')
    setSession(next)
  }, [])
  // Live: a publish reaches the open record (and the admin screen) without a reload.
  const { catalog, loaded, refresh } = useCatalog()
  if (!session || fragment.state === 'checking') {
    const notice = fragment.state === 'failed' ? fragment.message : ended ? SESSION_ENDED : null
    return (
      <LoginScreen onSignedIn={(s) => onChange(s)} checking={fragment.state === 'checking'} notice={notice} />
    )
  }
  return (
    <SessionProvider session={session} onChange={onChange}>
      <Dashboard catalog={catalog} catalogLoaded={loaded} refreshCatalog={refresh} />
    </SessionProvider>
  )
}
