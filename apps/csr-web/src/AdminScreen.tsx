import { findPurpose, type PurposeCatalog } from '@consent-sync/consent-core'
import { NoticeDraftForm, PurposeCatalogTable, purposeTitle, useToast } from '@consent-sync/ui'
import { useCallback, useState } from 'react'
import { useCatalogAdmin } from './useCatalogAdmin'

interface Props {
  catalog: PurposeCatalog
  /** Fetches the catalog at once after a change here (the publish stream would bring it too). */
  refreshCatalog(): Promise<void>
  /** After each change the server accepted (the administrators' log reloads). */
  onChanged(): void
  onClose(): void
}

/** What the draft is of: a new purpose, or a new version of the purpose named. */
type Drafting = { kind: 'purpose' } | { kind: 'version'; purposeId: string } | null

/**
 * The administrators' screen: the purpose catalog as published (status, current version, material
 * flag, publish time), drafting a new purpose or a new version with a preview of the customer's row,
 * retiring with a confirmation.
 */
export function AdminScreen({ catalog, refreshCatalog, onChanged, onClose }: Props) {
  const toast = useToast()
  const [drafting, setDrafting] = useState<Drafting>(null)
  const [retireError, setRetireError] = useState<string | null>(null)
  const changed = useCallback(() => {
    onChanged()
    void refreshCatalog()
  }, [onChanged, refreshCatalog])
  const admin = useCatalogAdmin(changed)
  const purpose = drafting?.kind === 'version' ? findPurpose(catalog, drafting.purposeId) : undefined

  return (
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
  )
}
