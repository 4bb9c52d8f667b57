import { useEffect, useRef, useState } from 'react'
import { type Session, saveSession, sessionForToken, takeFragmentToken } from './session'

export type FragmentSignIn =
  /** No token in the URL: the page's own sign-in applies. */
  | { state: 'none' }
  | { state: 'checking' }
  | { state: 'signed-in'; session: Session }
  | { state: 'failed'; message: string }

/**
 * Signs in with a token handed over in the URL fragment (`#access_token=…`), once, on load: the
 * server checks it, and a session of a role this page serves (`accepts`) is saved. The token leaves
 * the URL before anything else runs.
 */
export function useFragmentSignIn(accepts: (session: Session) => string | null): FragmentSignIn {
  const [token] = useState(takeFragmentToken)
  const rule = useRef(accepts)
  rule.current = accepts
  const [result, setResult] = useState<FragmentSignIn>(token ? { state: 'checking' } : { state: 'none' })
  useEffect(() => {
    if (!token) return
    let live = true
    sessionForToken(token).then(
      (session) => {
        if (!live) return
        const refusal = rule.current(session)
        if (refusal) return setResult({ state: 'failed', message: refusal })
        saveSession(session)
        setResult({ state: 'signed-in', session })
      },
      (err: unknown) => live && setResult({ state: 'failed', message: (err as Error).message }),
    )
    return () => {
      live = false
    }
  }, [token])
  return result
}
