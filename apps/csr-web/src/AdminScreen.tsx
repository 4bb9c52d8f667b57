import { findPurpose, type PurposeCatalog } from '@consent-sync/consent-core'
import {
  AdminAuditTable,
  NoticeDraftForm,
  PurposeCatalogTable,
  purposeTitle,
  useToast,
} from '@consent-sync/ui'
import { useCallback, useState } from 'react'
import { useAdminAudit } from './useAdminAudit'
import { useCatalogAdmin } from './useCatalogAdmin'

interface Props {
  catalog: PurposeCatalog
  /** Fetches the catalog at once after a change here (the publish stream would bring it too). */
  refreshCatalog(): Promise<void>
  onClose(): void
}

/** What the draft is of: a new purpose, or a new version of the purpose named. */
type Drafting = { kind: 'purpose' } | { kind: 'version'; purposeId: string } | null

/**
 * The administrators' screen: the purpose catalog as published (status, current version, material
 * flag, publish time), drafting a new purpose or a new version with a preview of the customer's row,
 * retiring with a confirmation, and the administrators' log.
 */
export function AdminScreen({ catalog, refreshCatalog, onClose }: Props) {
  const toast = useToast()
  const [drafting, setDrafting] = useState<Drafting>(null)
  const [changes, setChanges] = useState(0)
  const [retireError, setRetireError] = useState<string | null>(null)
  const onChanged = useCallback(() => {
    setChanges((n) => n + 1)
    void refreshCatalog()
  }, [refreshCatalog])
  const admin = useCatalogAdmin(onChanged)
  const audit = useAdminAudit(changes)
  const purpose = drafting?.kind === 'version' ? findPurpose(catalog, drafting.purposeId) : undefined

  return (
    <div className="csr-admin">
      <section className="csr-card" aria-labelledby="admin-catalog-title" data-testid="admin-screen">
        <div className="csr-card-head">
          <h2 id="admin-catalog-title" className="csr-card-title">
            Purpose catalog
          </h2>
          <div className="csr-customer-actions">
            <button
              type="button"
              className="csr-button"
              data-testid="admin-new-purpose"
              disabled={drafting !== null}
              onClick={() => setDrafting({ kind: 'purpose' })}
            >
              New purpose
            </button>
            <button type="button" className="csr-button csr-button-quiet" onClick={onClose}>
              Back to customers
            </button>
          </div>
        </div>
        <p className="cs-muted">
          Each version is published at once to every open dashboard and kept for good. A material change asks
          those who granted an earlier version to agree again.
        </p>
        {retireError ? (
          <p className="cs-error" role="alert" data-testid="admin-retire-error">
            {retireError}
          </p>
        ) : null}
        {drafting ? (
          <div className="csr-admin-draft">
            <NoticeDraftForm
              key={drafting.kind === 'version' ? drafting.purposeId : 'new'}
              catalog={catalog}
              purpose={purpose}
              onCancel={() => setDrafting(null)}
              onPublish={async (body) => {
                const refusal = await admin.publish(body, purpose?.id)
                if (!refusal) {
                  setDrafting(null)
                  toast(
                    `Published ${purpose ? purpose.id : (body as { id: string }).id} version ${body.version}.`,
                    'success',
                  )
                }
                return refusal
              }}
            />
          </div>
        ) : null}
        <PurposeCatalogTable
          catalog={catalog}
          busy={drafting !== null}
          onNewVersion={(purposeId) => setDrafting({ kind: 'version', purposeId })}
          onRetire={async (purposeId) => {
            const refusal = await admin.retire(purposeId)
            setRetireError(refusal ? `Could not retire ${purposeId}: ${refusal.message}` : null)
            if (!refusal) toast(`Retired ${purposeTitle(catalog, purposeId)}.`, 'success')
          }}
        />
      </section>
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
    </div>
  )
}
