import type { Language, PurposeCatalog } from '@consent-sync/consent-core'
import { CloseCode } from '@consent-sync/protocol'
import {
  openReceipt,
  useActorNames,
  useArrivals,
  useConsentHandle,
  useConsentState,
} from '@consent-sync/react'
import type { ConsentHandle } from '@consent-sync/sync-client'
import { HistoryTable, PresenceBar, ProblemBanner, useChangeToast, useToast } from '@consent-sync/ui'
import { useState } from 'react'
import { AuditTrail } from './AuditTrail'
import { ConsentsCard } from './ConsentsCard'
import { CustomerHeader } from './CustomerHeader'
import { useSession } from './SessionContext'
import { SignedOutNotice } from './SignedOutNotice'
import { useCustomer } from './useCustomer'

interface Props {
  customerId: string
  catalog: PurposeCatalog
  /** The server's catalog arrived (or the cached one): the document opens with it, not the bundled one. */
  catalogLoaded: boolean
  /** Changes when the feed shows a new decision for this customer. */
  feedKey: string | undefined
  onClose(): void
}

/** One customer's record: who is on it, their consents with the decision form, history and audit trail. */
export function CustomerView({ customerId, catalog, catalogLoaded, feedKey, onClose }: Props) {
  const { session } = useSession()
  const lookup = useCustomer(customerId)
  const found = lookup.kind === 'found'
  const handle = useConsentHandle(found && catalogLoaded ? { customerId, session, catalog } : null)

  if (lookup.kind === 'failed') {
    return (
      <section className="csr-card" aria-live="polite">
        <p className="cs-error" role="alert">
          {lookup.notFound
            ? `There is no customer ${customerId}.`
            : `Could not open ${customerId}: ${lookup.message}`}
        </p>
        <button type="button" className="csr-button" onClick={onClose}>
          Back to search
        </button>
      </section>
    )
  }

  return (
    <div className="csr-customer">
      <CustomerHeader
        customerId={customerId}
        customer={found ? lookup.customer : null}
        handle={handle}
        onClose={onClose}
      />
      {handle && (
        <OpenRecord
          handle={handle}
          catalog={catalog}
          self={session.user}
          readOnly={session.user.role !== 'csr'}
        />
      )}
      <AuditTrail customerId={customerId} catalog={catalog} refreshKey={feedKey} />
    </div>
  )
}

interface RecordProps {
  handle: ConsentHandle
  catalog: PurposeCatalog
  self: { id: string; name: string }
  readOnly: boolean
}

function OpenRecord({ handle, catalog, self, readOnly }: RecordProps) {
  const problem = useConsentState(handle, (s) => s.problem)
  const presence = useConsentState(handle, (s) => s.presence)
  const history = useConsentState(handle, (s) => s.history)
  // Decisions carry only ids; names seen in presence make "Agent Dilani (csr1)" of them.
  const names = useActorNames(presence, self)
  // The language the agent reads the consents in, also for the notices of others' changes.
  const [lang, setLang] = useState<Language>('en')
  const tellChange = useChangeToast({ lang, viewer: 'csr', selfId: self.id, names, catalog })
  useArrivals(handle, self.id, tellChange)
  const { session } = useSession()
  const toast = useToast()
  return (
    <>
      {problem?.code === CloseCode.Unauthorized ? (
        <SignedOutNotice />
      ) : (
        <ProblemBanner problem={problem} onDiscard={() => void handle.discardLocalChanges()} />
      )}
      <div className="csr-card csr-presence">
        <PresenceBar presence={presence} viewer="csr" />
      </div>
      <ConsentsCard
        handle={handle}
        catalog={catalog}
        selfId={self.id}
        names={names}
        readOnly={readOnly}
        lang={lang}
        onLanguage={setLang}
      />
      <section className="csr-card csr-history" aria-labelledby="history-title">
        <h2 id="history-title" className="csr-card-title">
          History of this record
        </h2>
        <HistoryTable
          decisions={history}
          catalog={catalog}
          lang="en"
          selfId={self.id}
          names={names}
          caption="History of this record"
          captionHidden
          // A phone or store decision's receipt is what the agent hands or sends the customer.
          hasReceipt={(d) => d.channel === 'phone' || d.channel === 'store'}
          onReceipt={(d, format) =>
            void openReceipt(session, handle.customerId, d.id, format, lang).catch(() =>
              toast('Could not get the receipt (is the decision saved yet?)', 'error'),
            )
          }
        />
      </section>
    </>
  )
}
