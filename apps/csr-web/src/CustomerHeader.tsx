import { useConsentState } from '@consent-sync/react'
import type { ConsentHandle } from '@consent-sync/sync-client'
import { StatusBadge } from '@consent-sync/ui'
import type { Customer } from './customer'

interface Props {
  customerId: string
  customer: Customer | null
  handle: ConsentHandle | null
  onClose(): void
}

/** Who the open record belongs to, and whether this copy of it is saved on the server. */
export function CustomerHeader({ customerId, customer, handle, onClose }: Props) {
  return (
    <header className="csr-card csr-customer-head">
      <div>
        <h2 className="csr-customer-name" data-testid="csr-customer-name">
          {customer?.name ?? customerId}
        </h2>
        <p className="cs-muted">
          <code>{customerId}</code>
          {customer && <> · {customer.phone}</>}
        </p>
      </div>
      <div className="csr-customer-actions">
        {handle && <HandleStatus handle={handle} />}
        <button type="button" className="csr-button csr-button-quiet" onClick={onClose}>
          Close record
        </button>
      </div>
    </header>
  )
}

function HandleStatus({ handle }: { handle: ConsentHandle }) {
  const status = useConsentState(handle, (s) => s.status)
  const pending = useConsentState(handle, (s) => s.pending)
  return <StatusBadge status={status} pending={pending} />
}
