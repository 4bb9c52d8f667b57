import { login, type Session, saveSession } from '@consent-sync/react'
import { LoginForm } from '@consent-sync/ui'
import { useState } from 'react'
import { CUSTOMER_REFUSAL, staffRefusal } from './staffRoles'
import { useSignInMethods } from './useSignInMethods'

interface Props {
  onSignedIn(session: Session): void
  /** A token handed to the page is being checked. */
  checking?: boolean
  /** Why the person is here again: the handed-over token was refused, or the session ended. */
  notice?: string | null
}

/**
 * Sign-in for agents, administrators and auditors: the operator's identity provider first when it
 * has a sign-in page, the built-in accounts below; a customer account is sent to its own dashboard.
 */
export function LoginScreen({ onSignedIn, checking = false, notice }: Props) {
  const methods = useSignInMethods()
  const [customerSession, setCustomerSession] = useState(notice === CUSTOMER_REFUSAL)
  const onSubmit = async (username: string, password: string) => {
    const session = await login(username, password)
    const refusal = staffRefusal(session)
    if (refusal) {
      setCustomerSession(true)
      throw new Error(refusal)
    }
    saveSession(session)
    onSignedIn(session)
  }
  const loginUrl = methods.provider?.loginUrl
  return (
    <main className="csr-login">
      <LoginForm
        title="Consent desk: sign in"
        hint={methods.demo ? 'Demo: csr1, csr2 or admin1, password consent-demo' : undefined}
        provider={
          loginUrl
            ? {
                href: loginUrl,
                label: 'Sign in with your organisation',
                otherwise: 'Or sign in with a built-in account:',
              }
            : undefined
        }
        checking={checking}
        notice={notice}
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
