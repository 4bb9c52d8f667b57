import type { PurposeCatalog } from '@consent-sync/consent-core'
import { AppFrame } from '@consent-sync/ui'
import { CustomerSearch } from './CustomerSearch'
import { CustomerView } from './CustomerView'
import { LiveFeed } from './LiveFeed'
import { useSession } from './SessionContext'
import { useFeed } from './useFeed'
import { useHashCustomer } from './useHashCustomer'

/** The signed-in agent's page: search and the open customer in the main column, the live feed beside it. */
export function Dashboard(catalogView: { catalog: PurposeCatalog; catalogLoaded: boolean }) {
  const { catalog } = catalogView
  const { session, logout } = useSession()
  const [customerId, openCustomer] = useHashCustomer()
  const feed = useFeed()
  // The newest feed event of the open customer: the audit trail reloads when it changes.
  const feedKey = customerId
    ? feed.items.find((i) => i.event.consent.customerId === customerId)?.key
    : undefined

  const showFeed = () => {
    const title = document.getElementById('feed-title')
    title?.scrollIntoView({ block: 'start' })
    title?.focus()
  }

  return (
    <AppFrame className="csr-app">
      <header className="csr-topbar">
        <h1 className="csr-brand">Consent desk</h1>
        {/* A button, not an in-page link: the URL hash holds the open customer. */}
        <button type="button" className="csr-link csr-skip-feed" onClick={showFeed}>
          Live feed ({feed.items.length})
        </button>
        <div className="csr-user">
          <span>
            {session.user.name}{' '}
            <span className="cs-muted">
              ({session.user.id}, {session.user.role})
            </span>
          </span>
          <button type="button" className="csr-button csr-button-quiet" data-testid="logout" onClick={logout}>
            Sign out
          </button>
        </div>
      </header>
      <div className="csr-layout">
        <main className="csr-main">
          <CustomerSearch openCustomerId={customerId} onOpen={openCustomer} />
          {customerId ? (
            <CustomerView
              key={customerId}
              {...catalogView}
              customerId={customerId}
              feedKey={feedKey}
              onClose={() => openCustomer(null)}
            />
          ) : (
            <p className="csr-card cs-muted">Search for a customer to see and record their consents.</p>
          )}
        </main>
        <aside className="csr-side" aria-label="Live feed">
          <LiveFeed items={feed.items} status={feed.status} catalog={catalog} onOpen={openCustomer} />
        </aside>
      </div>
    </AppFrame>
  )
}
