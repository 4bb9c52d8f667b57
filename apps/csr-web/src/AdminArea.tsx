import type { PurposeCatalog } from '@consent-sync/consent-core'
import { useCallback, useState } from 'react'
import { AccountsScreen } from './AccountsScreen'
import { AdminLog } from './AdminLog'
import { AdminScreen } from './AdminScreen'
import type { AdminPage } from './useHashCustomer'
import { WebhooksScreen } from './WebhooksScreen'

interface Props {
  page: AdminPage
  catalog: PurposeCatalog
  refreshCatalog(): Promise<void>
  onClose(): void
}

/**
 * The admin area: the purpose catalog, the accounts or the webhooks, with the administrators' log beneath, which
 * reloads after each change made here. The `log` page is the log alone (an auditor's view).
 */
export function AdminArea({ page, catalog, refreshCatalog, onClose }: Props) {
  const [changes, setChanges] = useState(0)
  const onChanged = useCallback(() => setChanges((n) => n + 1), [])
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
