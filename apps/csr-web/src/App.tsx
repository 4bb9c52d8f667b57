import { loadSession, type Session, useCatalog } from '@consent-sync/react'
import { useState } from 'react'
import { Dashboard } from './Dashboard'
import { LoginScreen } from './LoginScreen'
import { SessionProvider } from './SessionContext'

/** A customer's saved session (from another tab's mistake) does not open the agents' page. */
function savedStaffSession(): Session | null {
  const saved = loadSession()
  return saved && (saved.user.role === 'csr' || saved.user.role === 'admin') ? saved : null
}

export function App() {
  const [session, setSession] = useState<Session | null>(savedStaffSession)
  // Live: a publish reaches the open record (and the admin screen) without a reload.
  const { catalog, loaded, refresh } = useCatalog()
  if (!session) return <LoginScreen onSignedIn={setSession} />
  return (
    <SessionProvider session={session} onChange={setSession}>
      <Dashboard catalog={catalog} catalogLoaded={loaded} refreshCatalog={refresh} />
    </SessionProvider>
  )
}
