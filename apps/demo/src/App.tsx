import { LANGUAGES, type Language } from '@consent-sync/consent-core'
import { useEffect, useMemo, useState } from 'react'
import { AuditPanel } from './AuditPanel'
import { Panel } from './Panel'
import type { Side } from './people'
import { ResetButton } from './ResetButton'
import { StepsPanel } from './StepsPanel'
import type { StepContext } from './script'
import { browserStore, PREFIX } from './storage'
import { clearDemo, type Demo, openDemo } from './world'

const storage = browserStore()
const OPTIONS = { storage, persist: typeof indexedDB !== 'undefined' }

function storedLanguage(side: Side): Language {
  const value = storage.get(`${PREFIX}${side}/lang`)
  return (LANGUAGES as readonly string[]).includes(value ?? '') ? (value as Language) : 'en'
}

export function App() {
  const [demo, setDemo] = useState<Demo>(() => openDemo(OPTIONS))
  // The demo whose documents are loaded: `ready` is never true for a demo still opening.
  const [loaded, setLoaded] = useState<Demo | null>(null)
  const ready = loaded === demo
  const [langs, setLangs] = useState<Record<Side, Language>>(() => ({
    customer: storedLanguage('customer'),
    agent: storedLanguage('agent'),
  }))

  useEffect(() => {
    void demo.ready.then(() => setLoaded(demo))
  }, [demo])

  const context = useMemo<StepContext>(
    () => ({
      demo,
      setLanguage(side, lang) {
        storage.set(`${PREFIX}${side}/lang`, lang)
        setLangs((prev) => ({ ...prev, [side]: lang }))
        // As customer-web: the customer's choice also goes into the document's profile.
        if (side === 'customer' && demo.replicas.customer.store.getState().profile.language !== lang)
          demo.replicas.customer.setProfile('language', lang)
      },
      showAudit() {
        const audit = document.getElementById('demo-audit')
        audit?.scrollIntoView({ behavior: 'smooth', block: 'start' })
        audit?.focus({ preventScroll: true })
      },
    }),
    [demo],
  )

  const reset = async () => {
    await clearDemo(demo, OPTIONS)
    setLangs({ customer: 'en', agent: 'en' })
    setDemo(openDemo(OPTIONS))
  }

  return (
    <div className="cs-app demo-page" data-ready={String(ready)} data-testid="demo-page">
      <header className="demo-header">
        <div>
          <h1>consent-sync · offline demo</h1>
          <p className="demo-tagline" data-testid="demo-offline-note">
            Runs entirely in this browser: no server, no network. A hub inside the page judges, audits and
            relays every change, as the real server does.
          </p>
        </div>
        <ResetButton onReset={reset} />
      </header>
      <main>
        <div className="demo-layout">
          <StepsPanel key={`steps-${demo.hub.doc.guid}`} context={context} />
          {(['customer', 'agent'] as const).map((side) => (
            <Panel
              key={`${side}-${demo.hub.doc.guid}`}
              replica={demo.replicas[side]}
              catalog={demo.catalog}
              lang={langs[side]}
              onLanguage={(lang) => context.setLanguage(side, lang)}
            />
          ))}
        </div>
        <AuditPanel hub={demo.hub} catalog={demo.catalog} />
      </main>
    </div>
  )
}
