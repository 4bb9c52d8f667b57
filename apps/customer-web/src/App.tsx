import type { Language } from '@consent-sync/consent-core'
import { clearSession, loadSession, type Session, saveSession, useCatalog } from '@consent-sync/react'
import { t } from '@consent-sync/ui'
import { useEffect, useState } from 'react'
import { Dashboard } from './Dashboard'
import { LoginScreen } from './LoginScreen'
import { storedLanguage, storeLanguage } from './language'

/** Signed out: the login form. Signed in (even offline, from the saved session): the dashboard. */
export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession())
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

  if (!session) {
    return (
      <LoginScreen
        lang={lang}
        onLanguage={setLang}
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
