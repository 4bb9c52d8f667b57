import type { Language } from '@consent-sync/consent-core'
import { apiBase, login, type Session } from '@consent-sync/react'
import { LanguageSwitch, LoginForm, loginText, t } from '@consent-sync/ui'
import { useEffect, useState } from 'react'

export interface LoginScreenProps {
  lang: Language
  onLanguage(l: Language): void
  onSignedIn(session: Session): void
  /** A token handed to the page is being checked. */
  checking?: boolean
  /** Why the person is here again (a handed-over token refused), in `lang`. */
  notice?: string | null
}

/** `GET /api/auth/methods`, the part this page uses. */
interface SignInMethods {
  demo: boolean
  provider: { issuer: string; loginUrl?: string } | null
}

const UNKNOWN: SignInMethods = { demo: false, provider: null }

/** How to sign in here; until the server answers (or offline), only the password form. */
function useSignInMethods(): SignInMethods {
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

/** The operator as the provider's sign-in page names it: its host, without a `www.`. */
function operatorOf(loginUrl: string): string {
  try {
    return new URL(loginUrl).hostname.replace(/^www\./, '')
  } catch {
    return loginUrl
  }
}

/** The customer's sign-in: the operator's account first when it has a sign-in page, the password form below. */
export function LoginScreen({ lang, onLanguage, onSignedIn, checking = false, notice }: LoginScreenProps) {
  const methods = useSignInMethods()
  const loginUrl = methods.provider?.loginUrl
  return (
    <main className="cs-app cw-login-page">
      <div className="cw-login-lang">
        <LanguageSwitch value={lang} onChange={onLanguage} />
      </div>
      <LoginForm
        title={t(lang, 'appTitle')}
        hint={methods.demo ? loginText(lang, 'demoHint') : undefined}
        lang={lang}
        provider={
          loginUrl
            ? {
                href: loginUrl,
                label: loginText(lang, 'providerSignIn', { operator: operatorOf(loginUrl) }),
                otherwise: loginText(lang, 'passwordOtherwise'),
              }
            : undefined
        }
        checking={checking}
        notice={notice}
        onSubmit={async (username, password) => {
          const session = await login(username, password)
          if (session.user.role !== 'customer') throw new Error(t(lang, 'staffUseCsr'))
          onSignedIn(session)
        }}
      />
    </main>
  )
}
