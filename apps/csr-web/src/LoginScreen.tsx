import { login, type Session, saveSession } from '@consent-sync/react'
import { LoginForm } from '@consent-sync/ui'
import { useState } from 'react'

interface Props {
  onSignedIn(session: Session): void
}

const STAFF_ROLES = new Set(['csr', 'admin'])

/** Sign-in for agents and administrators; a customer account is sent to its own dashboard. */
export function LoginScreen({ onSignedIn }: Props) {
  const [customerSession, setCustomerSession] = useState(false)
  const onSubmit = async (username: string, password: string) => {
    const session = await login(username, password)
    if (!STAFF_ROLES.has(session.user.role)) {
      setCustomerSession(true)
      throw new Error('This is a customer account. Customers use the customer dashboard at /customer/.')
    }
    saveSession(session)
    onSignedIn(session)
  }
  return (
    <main className="csr-login">
      <LoginForm
        title="Consent desk: sign in"
        hint="Demo: csr1, csr2 or admin1, password consent-demo"
        onSubmit={onSubmit}
      />
      {customerSession && (
        <p className="cs-note">
          Go to the <a href="../customer/">customer dashboard</a>.
        </p>
      )}
    </main>
  )
}
