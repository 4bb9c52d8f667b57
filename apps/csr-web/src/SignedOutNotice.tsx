import { useSession } from './SessionContext'

/**
 * What the open record shows when the server closed its connection for good with 4401: the session
 * ended or the account was disabled. Nothing more reaches this page until the person signs in again.
 */
export function SignedOutNotice() {
  const { sessionEnded } = useSession()
  return (
    <section className="csr-card csr-signed-out" role="alert" data-testid="signed-out">
      <h2 className="csr-card-title">You are signed out</h2>
      <p>
        The server closed this record's connection: your session ended, or your account was disabled. This
        page no longer shows changes and cannot record decisions.
      </p>
      <button type="button" className="csr-button" data-testid="sign-in-again" onClick={sessionEnded}>
        Sign in again
      </button>
    </section>
  )
}
