import type { Language, PurposeCatalog } from '@consent-sync/consent-core'
import { useConsentState, useExpiryClock } from '@consent-sync/react'
import type { ConsentHandle } from '@consent-sync/sync-client'
import { type ActorNames, ConsentPanel, LanguageSwitch, purposeTitle, useToast } from '@consent-sync/ui'
import { type FocusEvent, useRef } from 'react'

interface Props {
  handle: ConsentHandle
  catalog: PurposeCatalog
  selfId: string
  names: ActorNames
  readOnly: boolean
  /** The language of the purposes' titles and notices. */
  lang: Language
  onLanguage(lang: Language): void
}

/**
 * The open record's consents, with the decision form, each purpose flagged when its grant needs
 * re-consent, has expired, or the purpose is retired; while the agent works here, the other people
 * on this record see them as editing.
 */
export function ConsentsCard({ handle, onLanguage, ...shown }: Props) {
  const { catalog, lang } = shown
  const purposes = useConsentState(handle, (s) => s.purposes)
  const loaded = useConsentState(handle, (s) => s.loaded)
  const now = useExpiryClock(purposes, catalog)
  const card = useRef<HTMLElement>(null)
  const editing = useRef(false)
  const toast = useToast()

  const setEditing = (next: boolean) => {
    if (editing.current === next) return
    editing.current = next
    handle.setEditing(next)
  }
  const onBlur = (e: FocusEvent) => {
    if (!card.current?.contains(e.relatedTarget as Node | null)) setEditing(false)
  }

  return (
    <section
      className="csr-card csr-consents"
      aria-labelledby="consents-title"
      ref={card}
      onFocus={() => setEditing(true)}
      onBlur={onBlur}
    >
      <div className="csr-card-head">
        <h2 id="consents-title" className="csr-card-title">
          Consents
        </h2>
        <LanguageSwitch value={lang} onChange={onLanguage} />
      </div>
      <ConsentPanel
        {...shown}
        purposes={purposes}
        now={now}
        onDecide={(d) => {
          handle.decide({ purposeId: d.purposeId, state: d.state, channel: d.channel, evidence: d.evidence })
          toast(`Recorded: ${purposeTitle(catalog, d.purposeId)} ${d.state} (${d.channel}).`)
        }}
      />
      {!loaded && <p className="cs-muted">Loading the record…</p>}
    </section>
  )
}
