import type { PurposeCatalog } from '@consent-sync/consent-core'
import { AppFrame } from '@consent-sync/ui'
import { AdminScreen } from './AdminScreen'
import { CustomerSearch } from './CustomerSearch'
import { CustomerView } from './CustomerView'
import { LiveFeed } from './LiveFeed'
import { useSession } from './SessionContext'
import { useFeed } from './useFeed'
import { useHashAdmin, useHashCustomer } from './useHashCustomer'

interface Props {
  catalog: PurposeCatalog
  catalogLoaded: boolean
  refreshCatalog(): Promise<void>
}

/**
 * The signed-in agent's page: search and the open customer in the main column, the live feed beside
 * it. An administrator also has the purpose catalog screen (`#/admin`).
 */
export function Dashboard({ refreshCatalog, ...catalogView }: Props) {
  const { catalog } = catalogView
  const { session, logout } = useSession()
  const [customerId, openCustomer] = useHashCustomer()
  const isAdmin = session.user.role === 'admin'
  const [adminHash, openAdmin] = useHashAdmin()
  const adminOpen = isAdmin && adminHash
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
        {isAdmin ? (
          <nav aria-label="Screens" className="csr-nav">
            <button
              type="button"
              className="csr-link"
              data-testid="admin-open"
              aria-current={adminOpen ? 'page' : undefined}
              onClick={() => openAdmin(!adminOpen)}
            >
              {adminOpen ? 'Customers' : 'Purpose catalog'}
            </button>
          </nav>
        ) : null}
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
          {adminOpen ? (
            <AdminScreen catalog={catalog} refreshCatalog={refreshCatalog} onClose={() => openAdmin(false)} />
          ) : (
            <>
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
            </>
          )}
        </main>
        <aside className="csr-side" aria-label="Live feed">
          <LiveFeed items={feed.items} status={feed.status} catalog={catalog} onOpen={openCustomer} />
        </aside>
      </div>
    </AppFrame>
  )
}
