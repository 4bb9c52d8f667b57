import { isRetired, type Purpose, type PurposeCatalog } from '@consent-sync/consent-core'
import { useState } from 'react'
import { localDateAndTime } from './local-time'

export interface PurposeCatalogTableProps {
  catalog: PurposeCatalog
  /** Opens the draft of a new version of this purpose. */
  onNewVersion(purposeId: string): void
  /** Called once the administrator confirmed; resolves when the server answered. */
  onRetire(purposeId: string): Promise<void>
  /** While a publish or retire is under way. */
  busy?: boolean
}

function publishedAt(purpose: Purpose): string {
  const at = purpose.versions?.[0]?.publishedAt
  if (!at) return '—'
  const { date, time } = localDateAndTime(at)
  return `${date} ${time}`
}

/** Retiring asks first, inline: it stops new grants for good (consent-core SPEC 2.15). */
function RetireControl({
  purpose,
  onRetire,
  busy,
}: {
  purpose: Purpose
  onRetire(): Promise<void>
  busy: boolean
}) {
  const [asking, setAsking] = useState(false)
  const [working, setWorking] = useState(false)
  if (!asking) {
    return (
      <button
        type="button"
        className="cs-button cs-button-danger"
        data-testid={`admin-retire-${purpose.id}`}
        aria-label={`Retire ${purpose.title.en}`}
        disabled={busy}
        onClick={() => setAsking(true)}
      >
        Retire
      </button>
    )
  }
  return (
    <fieldset className="cs-retire-confirm">
      <legend className="cs-visually-hidden">Confirm retiring {purpose.title.en}</legend>
      <p>
        Retire “{purpose.title.en}”? Nobody can grant it any more, and existing grants stop counting. This
        cannot be undone.
      </p>
      <button
        type="button"
        className="cs-button cs-button-danger"
        data-testid={`admin-retire-confirm-${purpose.id}`}
        disabled={working}
        // biome-ignore lint/a11y/noAutofocus: the confirmation replaces the button that had focus
        autoFocus
        onClick={async () => {
          setWorking(true)
          try {
            await onRetire()
          } finally {
            setWorking(false)
            setAsking(false)
          }
        }}
      >
        Yes, retire
      </button>{' '}
      <button
        type="button"
        className="cs-button"
        data-testid={`admin-retire-cancel-${purpose.id}`}
        onClick={() => setAsking(false)}
      >
        Cancel
      </button>
    </fieldset>
  )
}

/** Every purpose of the catalog: status, current version, its policy and when it was published. */
export function PurposeCatalogTable({
  catalog,
  onNewVersion,
  onRetire,
  busy = false,
}: PurposeCatalogTableProps) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box a keyboard must reach to scroll the table sideways
    <section className="cs-audit-scroll" aria-label="Purposes" tabIndex={0} lang="en">
      <table className="cs-audit-table cs-catalog-table" data-testid="admin-purposes">
        <thead>
          <tr>
            <th scope="col">Purpose</th>
            <th scope="col">Status</th>
            <th scope="col">Version</th>
            <th scope="col">Material</th>
            <th scope="col">Lifetime</th>
            <th scope="col">Published</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {catalog.purposes.map((p) => {
            const retired = isRetired(p)
            return (
              <tr
                key={p.id}
                data-testid={`admin-purpose-${p.id}`}
                data-status={retired ? 'retired' : 'active'}
                data-version={p.version}
              >
                <th scope="row">
                  {p.title.en}
                  <br />
                  <code className="cs-muted">{p.id}</code>
                </th>
                <td>
                  <span className={`cs-chip ${retired ? 'cs-chip-withdrawn' : 'cs-chip-granted'}`}>
                    {retired ? 'retired' : 'active'}
                  </span>
                </td>
                <td>
                  {p.version}
                  {p.versions && p.versions.length > 1 ? (
                    <span className="cs-muted"> ({p.versions.length} published)</span>
                  ) : null}
                </td>
                <td>{p.material ? `yes (${p.reconsent ?? 'prompt'})` : 'no'}</td>
                <td>{p.lifetimeDays !== undefined ? `${p.lifetimeDays} days` : '—'}</td>
                <td className="cs-nowrap">{publishedAt(p)}</td>
                <td className="cs-catalog-actions">
                  {retired ? (
                    <span className="cs-muted">takes no new version</span>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="cs-button"
                        data-testid={`admin-new-version-${p.id}`}
                        aria-label={`New version of ${p.title.en}`}
                        disabled={busy}
                        onClick={() => onNewVersion(p.id)}
                      >
                        New version
                      </button>{' '}
                      <RetireControl purpose={p} busy={busy} onRetire={() => onRetire(p.id)} />
                    </>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
