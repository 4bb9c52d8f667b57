import type { Language, PurposeCatalog } from '@consent-sync/consent-core'
import { CloseCode } from '@consent-sync/protocol'
import {
  downloadMyData,
  openReceipt,
  type Session,
  useActorNames,
  useArrivals,
  useBrowserOnline,
  useConsentHandle,
  useConsentState,
} from '@consent-sync/react'
import type { ConsentHandle } from '@consent-sync/sync-client'
import {
  AppFrame,
  HistoryTable,
  LanguageSwitch,
  PresenceBar,
  ProblemBanner,
  StatusBadge,
  t,
  useChangeToast,
  useToast,
} from '@consent-sync/ui'
import { useEffect, useRef } from 'react'
import { storedLanguage } from './language'
import { PurposeList } from './PurposeList'

export interface DashboardProps {
  session: Session
  catalog: PurposeCatalog
  lang: Language
  onLanguage(l: Language): void
  onSignOut(): void
}

export function Dashboard(props: DashboardProps) {
  const { session, catalog, lang, onLanguage, onSignOut } = props
  const customerId = session.user.customerId ?? session.user.id
  const handle = useConsentHandle({ customerId, session, catalog })
  useBrowserOnline(handle)
  // The choice is remembered on this device and written to the document's profile when it changes.
  const changeLanguage = (l: Language) => {
    onLanguage(l)
    if (handle && handle.store.getState().profile.language !== l) handle.setProfile('language', l)
  }
  return (
    <AppFrame className="cs-app cw-page" lang={lang}>
      <header className="cw-header">
        <div className="cw-header-top">
          <div>
            <p className="cw-app-title" lang={lang}>
              {t(lang, 'appTitle')}
            </p>
            <h1 className="cw-name" data-testid="customer-name">
              {session.user.name}
            </h1>
          </div>
          <button type="button" className="cs-button" data-testid="logout" onClick={onSignOut} lang={lang}>
            {t(lang, 'signOut')}
          </button>
        </div>
        <div className="cw-header-bar">
          {handle ? <Status handle={handle} lang={lang} /> : null}
          <LanguageSwitch value={lang} onChange={changeLanguage} />
        </div>
      </header>
      <main className="cw-main">
        {handle ? <Body {...props} handle={handle} /> : <p lang={lang}>{t(lang, 'loading')}</p>}
      </main>
    </AppFrame>
  )
}

function Status({ handle, lang }: { handle: ConsentHandle; lang: Language }) {
  const status = useConsentState(handle, (s) => s.status)
  const pending = useConsentState(handle, (s) => s.pending)
  return <StatusBadge status={status} pending={pending} lang={lang} />
}

interface BodyProps extends DashboardProps {
  handle: ConsentHandle
}

function Body({ handle, session, catalog, lang, onLanguage, onSignOut }: BodyProps) {
  const toast = useToast()
  const problem = useConsentState(handle, (s) => s.problem)
  const presence = useConsentState(handle, (s) => s.presence)
  const history = useConsentState(handle, (s) => s.history)
  const profileLanguage = useConsentState(handle, (s) => s.profile.language)
  const loaded = useConsentState(handle, (s) => s.loaded)
  const names = useActorNames(presence, { id: session.user.id, name: session.user.name })
  const customerId = session.user.customerId ?? session.user.id

  // A device with no language chosen yet adopts the one in the document's profile.
  const adopted = useRef(false)
  useEffect(() => {
    if (!loaded || adopted.current) return
    adopted.current = true
    if (profileLanguage && !storedLanguage()) onLanguage(profileLanguage)
  }, [loaded, profileLanguage, onLanguage])

  useSaveToasts(handle, lang)
  const tellChange = useChangeToast({ lang, viewer: 'customer', selfId: session.user.id, names, catalog })
  useArrivals(handle, session.user.id, tellChange)
  // One error toast per new problem, not one per re-render or language change.
  const toasted = useRef<unknown>(null)
  useEffect(() => {
    if (problem && toasted.current !== problem) toast(t(lang, 'problemTitle'), 'error', { lang })
    toasted.current = problem
  }, [problem, toast, lang])

  return (
    <>
      <ProblemBanner
        problem={problem}
        lang={lang}
        onDiscard={async () => {
          await handle.discardLocalChanges()
          toast(t(lang, 'saved'), 'success', { lang })
        }}
      >
        {problem?.code === CloseCode.Unauthorized ? (
          <button type="button" className="cs-button cs-button-primary" onClick={onSignOut} lang={lang}>
            {t(lang, 'signInAgain')}
          </button>
        ) : null}
      </ProblemBanner>
      <PresenceBar presence={presence} viewer="customer" lang={lang} />
      <section className="cw-section" aria-labelledby="cw-purposes-title">
        <h2 id="cw-purposes-title" lang={lang}>
          {t(lang, 'purposesTitle')}
        </h2>
        <p className="cw-intro" lang={lang}>
          {t(lang, 'purposesIntro')}
        </p>
        <PurposeList handle={handle} catalog={catalog} lang={lang} selfId={session.user.id} names={names} />
      </section>
      <section className="cw-section">
        <HistoryTable
          decisions={history}
          catalog={catalog}
          lang={lang}
          selfId={session.user.id}
          names={names}
          pageSize={10}
          onReceipt={(d, format) =>
            void openReceipt(session, customerId, d.id, format, lang).catch(() =>
              toast(t(lang, 'evidenceFailed'), 'error', { lang }),
            )
          }
        />
      </section>
      <section className="cw-section" data-testid="my-data">
        <p className="cw-intro" lang={lang}>
          {t(lang, 'downloadMyDataNote')}
        </p>
        <button
          type="button"
          className="cs-button"
          data-testid="download-my-data"
          lang={lang}
          onClick={() =>
            void downloadMyData(session, customerId).catch(() =>
              toast(t(lang, 'evidenceFailed'), 'error', { lang }),
            )
          }
        >
          {t(lang, 'downloadMyData')}
        </button>
      </section>
    </>
  )
}

/** "Saved" once every waiting change is durable on the server. */
function useSaveToasts(handle: ConsentHandle, lang: Language) {
  const toast = useToast()
  const status = useConsentState(handle, (s) => s.status)
  const pending = useConsentState(handle, (s) => s.pending)
  const hadPending = useRef(false)
  useEffect(() => {
    if (pending > 0) hadPending.current = true
    else if (hadPending.current && status === 'saved') {
      hadPending.current = false
      toast(t(lang, 'saved'), 'success', { lang })
    }
  }, [pending, status, toast, lang])
}
