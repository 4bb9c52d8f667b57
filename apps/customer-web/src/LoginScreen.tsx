import type { Language } from '@consent-sync/consent-core'
import { login, type Session } from '@consent-sync/react'
import { LanguageSwitch, LoginForm, t } from '@consent-sync/ui'

export interface LoginScreenProps {
  lang: Language
  onLanguage(l: Language): void
  onSignedIn(session: Session): void
}

const DEMO_HINT = 'Demo: C-0001 … C-0005, password consent-demo'

export function LoginScreen({ lang, onLanguage, onSignedIn }: LoginScreenProps) {
  return (
    <main className="cs-app cw-login-page">
      <div className="cw-login-lang">
        <LanguageSwitch value={lang} onChange={onLanguage} />
      </div>
      <LoginForm
        title={t(lang, 'appTitle')}
        hint={DEMO_HINT}
        lang={lang}
        onSubmit={async (username, password) => {
          const session = await login(username, password)
          if (session.user.role !== 'customer') throw new Error(t(lang, 'staffUseCsr'))
          onSignedIn(session)
        }}
      />
    </main>
  )
}
