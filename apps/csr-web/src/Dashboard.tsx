import type { PurposeCatalog } from '@consent-sync/consent-core'
import { AppFrame, roleLabel } from '@consent-sync/ui'
import { AdminArea } from './AdminArea'
import { CustomerSearch } from './CustomerSearch'
import { CustomerView } from './CustomerView'
import { LiveFeed } from './LiveFeed'
import { useSession } from './SessionContext'
import { useFeed } from './useFeed'
import { type AdminPage, useHashAdmin, useHashCustomer } from './useHashCustomer'

interface Props {
  catalog: PurposeCatalog
  catalogLoaded: boolean
  refreshCatalog(): Promise<void>
}

/** The admin area's pages each role may open; an agent has none. */
const ADMIN_PAGES: Readonly<Record<string, readonly AdminPage[]>> = {
  admin: ['catalog', 'accounts', 'webhooks', 'analytics'],
  // The webhook routes let an auditor read endpoints and deliveries (never change them); analytics only reads.
  auditor: ['log', 'webhooks', 'analytics'],
}

const PAGE_LINKS: Readonly<Record<AdminPage, { label: string; testId: string }>> = {
  catalog: { label: 'Purpose catalog', testId: 'admin-open' },
  accounts: { label: 'Accounts', testId: 'accounts-open' },
  webhooks: { label: 'Webhooks', testId: 'webhooks-open' },
  log: { label: "Administrators' log", testId: 'admin-log-open' },
  analytics: { label: 'Analytics', testId: 'analytics-open' },
}

/**
 * The signed-in agent's page: search and the open customer in the main column, the live feed beside
 * it. An administrator also has the purpose catalog (`#/admin`) and the accounts
 * (`#/admin/accounts`) and the webhooks (`#/admin/webhooks`); an auditor reads the administrators'
 * log (`#/admin/log`) and the webhooks. Both have the analytics (`#/admin/analytics`).
 */
export function Dashboard({ refreshCatalog, ...catalogView }: Props) {
  const { catalog } = catalogView
  const { session, logout } = useSession()
  const [customerId, openCustomer] = useHashCustomer()
  const pages = ADMIN_PAGES[session.user.role] ?? []
  const [adminHash, openAdmin] = useHashAdmin()
  // An auditor's `#/admin` (a link from an administrator) shows what they may read: the log.
  const adminPage = adminHash && (pages.includes(adminHash) ? adminHash : pages[0])
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
        {pages.length > 0 ? (
          <nav aria-label="Screens" className="csr-nav">
            <button
              type="button"
              className="csr-link"
              data-testid="customers-open"
              aria-current={adminPage ? undefined : 'page'}
              onClick={() => openAdmin(null)}
            >
              Customers
            </button>
            {pages.map((page) => (
              <button
                key={page}
                type="button"
                className="csr-link"
                data-testid={PAGE_LINKS[page].testId}
                aria-current={adminPage === page ? 'page' : undefined}
                onClick={() => openAdmin(page)}
              >
                {PAGE_LINKS[page].label}
              </button>
            ))}
          </nav>
        ) : null}
        <div className="csr-user">
          <span>
            {session.user.name}{' '}
            <span className="cs-muted" data-testid="user-role">
              ({session.user.id}) · {roleLabel(session.user.role)}
            </span>
          </span>
          <button type="button" className="csr-button csr-button-quiet" data-testid="logout" onClick={logout}>
            Sign out
          </button>
        </div>
      </header>
      <div className="csr-layout">
        <main className="csr-main">
          {adminPage ? (
            <AdminArea
              page={adminPage}
              catalog={catalog}
              refreshCatalog={refreshCatalog}
              feedKey={feed.items[0]?.key}
              onClose={() => openAdmin(null)}
            />
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
