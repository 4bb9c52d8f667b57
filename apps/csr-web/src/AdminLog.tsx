import { AdminAuditTable } from '@consent-sync/ui'
import { useAdminAudit } from './useAdminAudit'

interface Props {
  /** Changes after each change made on this page: the log reloads. */
  refreshKey: unknown
}

/** The administrators' log: catalog publishes and retirements, account changes; who, when, chained. */
export function AdminLog({ refreshKey }: Props) {
  const audit = useAdminAudit(refreshKey)
  return (
    <section className="csr-card" aria-labelledby="admin-audit-title">
      <h2 id="admin-audit-title" className="csr-card-title csr-admin-log-title">
        Administrators' log
      </h2>
      {audit.error ? (
        <p className="cs-error" role="alert">
          Could not load the log: {audit.error}
        </p>
      ) : null}
      <AdminAuditTable entries={audit.entries} />
      <p className="cs-muted" role="status">
        {audit.loading ? 'Loading…' : `${audit.entries.length} entries`}
      </p>
    </section>
  )
}
