import type { Language } from '@consent-sync/consent-core'
import {
  clearSession,
  loadSession,
  type Session,
  saveSession,
  useCatalog,
  useFragmentSignIn,
} from '@consent-sync/react'
import { loginText, t } from '@consent-sync/ui'
import { useEffect, useState } from 'react'
import { Dashboard } from './Dashboard'
import { LoginScreen } from './LoginScreen'
import { storedLanguage, storeLanguage } from './language'

/** The refusal of a staff token handed to this page; shown in the page's language. */
const STAFF_TOKEN = 'staff-account'

const customersOnly = (session: Session) => (session.user.role === 'customer' ? null : STAFF_TOKEN)

/** Signed out: the login form. Signed in (even offline, from the saved session): the dashboard. */
export function App() {
  // A `#access_token=` from the operator's app leaves the URL at once and signs the customer in.
  const fragment = useFragmentSignIn(customersOnly)
  const [session, setSession] = useState<Session | null>(() => loadSession())
  // A token handed over in the URL replaces any saved session, as it arrives.
  const [adopted, setAdopted] = useState<Session | null>(null)
  if (fragment.state === 'signed-in' && adopted !== fragment.session) {
    setAdopted(fragment.session)
    setSession(fragment.session)
  }
  // Offline, the catalog comes from the sync client's cache (or the bundled one).
  const { catalog, loaded } = useCatalog()
  const [lang, setLangState] = useState<Language>(() => storedLanguage() ?? 'en')

  useEffect(() => {
    document.documentElement.lang = lang
    document.title = t(lang, 'appTitle')
  }, [lang])

  const setLang = (l: Language) => {
    storeLanguage(l)
    setLangState(l)
  }

  if (!session || fragment.state === 'checking') {
    const notice =
      fragment.state !== 'failed'
        ? null
        : fragment.message === STAFF_TOKEN
          ? t(lang, 'staffUseCsr')
          : loginText(lang, 'linkSignInFailed')
    return (
      <LoginScreen
        lang={lang}
        onLanguage={setLang}
        checking={fragment.state === 'checking'}
        notice={notice}
        onSignedIn={(s) => {
          saveSession(s)
          setSession(s)
        }}
      />
    )
  }
  if (!loaded) {
    return (
      <main className="cs-app cw-main">
        <p>{t(lang, 'loading')}</p>
      </main>
    )
  }
  return (
    <Dashboard
      session={session}
      catalog={catalog}
      lang={lang}
      onLanguage={setLang}
      onSignOut={() => {
        clearSession()
        setSession(null)
      }}
    />
  )
}
