import { apiBase } from '@consent-sync/react'
import { useEffect, useState } from 'react'

/** `GET /api/auth/methods`: whether the demo accounts exist, and the identity provider's sign-in page. */
export interface SignInMethods {
  demo: boolean
  provider: { issuer: string; loginUrl?: string } | null
}

/** Until the server answers (or when it cannot be reached): no demo hint, no provider link. */
const UNKNOWN: SignInMethods = { demo: false, provider: null }

export function useSignInMethods(): SignInMethods {
  const [methods, setMethods] = useState<SignInMethods>(UNKNOWN)
  useEffect(() => {
    let live = true
    fetch(`${apiBase()}/api/auth/methods`)
      .then((res) => (res.ok ? (res.json() as Promise<SignInMethods>) : UNKNOWN))
      .then(
        (answer) => live && setMethods(answer),
        () => {},
      )
    return () => {
      live = false
    }
  }, [])
  return methods
}
