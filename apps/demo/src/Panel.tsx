import type { DecisionState, Language } from '@consent-sync/consent-core'
import { useConsentState, useExpiryClock, versionsToRenew } from '@consent-sync/react'
import {
  type AgreedNotice,
  ConsentList,
  ConsentPanel,
  HistoryTable,
  LanguageSwitch,
  PresenceBar,
  ProblemBanner,
  StatusBadge,
} from '@consent-sync/ui'
import { type FocusEvent, useMemo } from 'react'
import { useStore } from 'zustand'
import type { DemoCatalog } from './catalog'
import { OfflineSwitch } from './OfflineSwitch'
import { NAMES } from './people'
import type { Replica } from './replica'

interface Props {
  replica: Replica
  /** The page's catalog: a version published on it reaches this side without a reload. */
  catalog: DemoCatalog
  lang: Language
  onLanguage(lang: Language): void
}

/** One side of the page: the same components as customer-web or csr-web, on this side's replica. */
export function Panel({ replica, catalog: demoCatalog, lang, onLanguage }: Props) {
  const viewer = replica.side === 'customer' ? 'customer' : 'csr'
  const selfId = replica.person.user.id
  const status = useConsentState(replica, (s) => s.status)
  const pending = useConsentState(replica, (s) => s.pending)
  const purposes = useConsentState(replica, (s) => s.purposes)
  const history = useConsentState(replica, (s) => s.history)
  const presence = useConsentState(replica, (s) => s.presence)
  const problem = useConsentState(replica, (s) => s.problem)
  const waiting = useStore(replica.link, (s) => s.waiting)
  const catalog = useStore(demoCatalog.store, (s) => s.catalog)
  const now = useExpiryClock(purposes, catalog)
  // The texts each grant to renew was made under: the page holds every version it published.
  const agreed = useMemo(() => {
    const out: Record<string, AgreedNotice> = {}
    for (const [purposeId, version] of Object.entries(versionsToRenew(purposes, catalog))) {
      const texts = demoCatalog.textsOf(purposeId, version)
      out[purposeId] = texts ? { version, status: 'loaded', texts } : { version, status: 'unavailable' }
    }
    return out
  }, [purposes, catalog, demoCatalog])
  const rows = { purposes, catalog, lang, selfId, names: NAMES, waiting, now, agreed }
  const onCustomerToggle = (purposeId: string, next: DecisionState) =>
    replica.decide({ purposeId, state: next, channel: 'web' })
  // Presence says "editing" while focus is inside this side.
  const onBlur = (e: FocusEvent<HTMLElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) replica.setEditing(false)
  }

  return (
    <section
      className={`cs-app demo-panel demo-panel-${replica.side}`}
      data-testid={`${replica.side}-panel`}
      aria-labelledby={`demo-${replica.side}-title`}
      lang={lang}
      onFocus={() => replica.setEditing(true)}
      onBlur={onBlur}
    >
      <header className="demo-panel-head">
        <div>
          <p className="demo-panel-kind" lang="en">
            {viewer === 'customer' ? 'Customer dashboard' : `CSR dashboard · customer ${replica.customerId}`}
          </p>
          <h2 id={`demo-${replica.side}-title`} className="demo-panel-name">
            {viewer === 'customer' ? replica.person.name : `${replica.person.name} (${selfId})`}
          </h2>
        </div>
        <OfflineSwitch replica={replica} />
      </header>
      <div className="demo-panel-bar">
        <StatusBadge status={status} pending={pending} lang={lang} />
        <LanguageSwitch value={lang} onChange={onLanguage} />
      </div>
      <ProblemBanner problem={problem} lang={lang} onDiscard={() => replica.discardLocalChanges()} />
      <PresenceBar presence={presence} viewer={viewer} lang={lang} />
      {viewer === 'csr' ? (
        <ConsentPanel {...rows} onDecide={(d) => replica.decide(d)} />
      ) : (
        <ConsentList {...rows} viewer="customer" onToggle={onCustomerToggle} />
      )}
      <HistoryTable
        decisions={history}
        catalog={catalog}
        lang={lang}
        selfId={selfId}
        names={NAMES}
        pageSize={6}
        {...(viewer === 'csr' ? { caption: 'History of this record' } : {})}
      />
    </section>
  )
}
