import type { PurposeCatalog } from '@consent-sync/consent-core'
import { AuditTable } from '@consent-sync/ui'
import { useState } from 'react'
import { AsOfConsents, AsOfControl } from './AsOfConsents'
import { AuditFilters } from './AuditFilters'
import { auditBoundOf, rfc3339OfLocal } from './asOf'
import { type AuditFilter, NO_FILTER } from './auditFilter'
import { ExportButtons } from './ExportButtons'
import { useAudit } from './useAudit'
import { useConsentsAt } from './useConsentsAt'
import { useDebounced } from './useDebounced'

interface Props {
  customerId: string
  catalog: PurposeCatalog
  /** Changes when the feed shows a new decision for this customer. */
  refreshKey: string | undefined
}

/**
 * The open customer's audit trail: filters, the table with paging, and export. "As of" an instant,
 * it shows the consents then and only the entries received by then, the decisions that led to them.
 */
export function AuditTrail({ customerId, catalog, refreshKey }: Props) {
  const [filter, setFilter] = useState<AuditFilter>(NO_FILTER)
  const [asOf, setAsOf] = useState('')
  // Typing an actor id asks the server once the typing pauses.
  const settled = useDebounced(filter, 300)
  const at = useDebounced(rfc3339OfLocal(asOf), 300)
  const until = at === undefined ? undefined : auditBoundOf(at)
  const query = until === undefined ? settled : { ...settled, until }
  const audit = useAudit(customerId, query, refreshKey)
  const then = useConsentsAt(customerId, at)
  return (
    <section className="csr-card csr-audit" aria-labelledby="audit-title">
      <div className="csr-card-head">
        <h2 id="audit-title" className="csr-card-title">
          Audit trail
        </h2>
        <ExportButtons customerId={customerId} filter={query} />
      </div>
      <AsOfControl value={asOf} onChange={setAsOf} />
      <AsOfConsents view={then} catalog={catalog} />
      <AuditFilters value={filter} onChange={setFilter} catalog={catalog} />
      {audit.error && (
        <p className="cs-error" role="alert">
          Could not load the audit trail: {audit.error}
        </p>
      )}
      <AuditTable entries={audit.entries} catalog={catalog} />
      <div className="csr-audit-foot">
        <span className="cs-muted" role="status">
          {audit.loading
            ? 'Loading…'
            : `${audit.entries.length} shown${at ? ', received by the "as of" instant' : ''}${audit.nextCursor ? ', more available' : ''}`}
        </span>
        {audit.nextCursor && (
          <button
            type="button"
            className="csr-button"
            data-testid="audit-load-more"
            disabled={audit.loading}
            onClick={audit.loadMore}
          >
            Load more
          </button>
        )}
      </div>
    </section>
  )
}
