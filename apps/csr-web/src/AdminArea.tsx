import type { PurposeCatalog } from '@consent-sync/consent-core'
import { lazy, Suspense, useCallback, useState } from 'react'
import { AccountsScreen } from './AccountsScreen'
import { AdminLog } from './AdminLog'
import { AdminScreen } from './AdminScreen'
import { LoadBoundary } from './LoadBoundary'
import type { AdminPage } from './useHashCustomer'
import { WebhooksScreen } from './WebhooksScreen'

// Analytics and its chart library load only when the screen is first opened: the main bundle stays small.
const AnalyticsScreen = lazy(() =>
  import('./analytics/AnalyticsScreen').then((m) => ({ default: m.AnalyticsScreen })),
)
const ANALYTICS_LOAD_FAILED =
  'Analytics could not be loaded: the connection dropped or the app was updated. Reload the page to try again.'

interface Props {
  page: AdminPage
  catalog: PurposeCatalog
  refreshCatalog(): Promise<void>
  /** The newest live-feed event: analytics refetches when it changes. */
  feedKey: string | undefined
  onClose(): void
}

/**
 * The admin area: the purpose catalog, the accounts or the webhooks, with the administrators' log beneath, which
 * reloads after each change made here. The `log` page is the log alone (an auditor's view); the
 * `analytics` page changes nothing, so it comes without the log.
 */
export function AdminArea({ page, catalog, refreshCatalog, feedKey, onClose }: Props) {
  const [changes, setChanges] = useState(0)
  const onChanged = useCallback(() => setChanges((n) => n + 1), [])
  if (page === 'analytics') {
    return (
      <LoadBoundary message={ANALYTICS_LOAD_FAILED}>
        <Suspense fallback={<p className="csr-card cs-muted">Loading analytics…</p>}>
          <AnalyticsScreen catalog={catalog} feedKey={feedKey} />
        </Suspense>
      </LoadBoundary>
    )
  }
  return (
    <div className="csr-admin">
      {page === 'catalog' ? (
        <AdminScreen
          catalog={catalog}
          refreshCatalog={refreshCatalog}
          onChanged={onChanged}
          onClose={onClose}
        />
      ) : null}
      {page === 'accounts' ? <AccountsScreen onChanged={onChanged} onClose={onClose} /> : null}
      {page === 'webhooks' ? (
        <WebhooksScreen catalog={catalog} onChanged={onChanged} onClose={onClose} />
      ) : null}
      <AdminLog refreshKey={changes} />
    </div>
  )
}
