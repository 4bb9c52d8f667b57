import type { Language, PurposeCatalog } from '@consent-sync/consent-core'
import { loadCatalog } from '@consent-sync/sync-client'
import { apiBase, clearSession, loadSession, type Session, saveSession, t } from '@consent-sync/ui'
import { useEffect, useState } from 'react'
import { Dashboard } from './Dashboard'
import { LoginScreen } from './LoginScreen'
import { storedLanguage, storeLanguage } from './language'

/** Signed out: the login form. Signed in (even offline, from the saved session): the dashboard. */
export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession())
  const [catalog, setCatalog] = useState<PurposeCatalog | null>(null)
  const [lang, setLangState] = useState<Language>(() => storedLanguage() ?? 'en')

  useEffect(() => {
    // Offline, loadCatalog answers from its localStorage cache (or the bundled catalog).
    void loadCatalog(apiBase()).then(setCatalog)
  }, [])

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
  if (!catalog) {
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
