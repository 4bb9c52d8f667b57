import type { PurposeCatalog } from '@consent-sync/consent-core'
import { Field, localDateAndTime, purposeTitle } from '@consent-sync/ui'
import { useId } from 'react'
import { localInputOf } from './asOf'
import type { ConsentsAtView } from './useConsentsAt'

interface ControlProps {
  /** The `datetime-local` value; empty for now. */
  value: string
  onChange(value: string): void
}

/** The "as of" instant of the audit view, in the agent's local time; "Now" clears it. */
export function AsOfControl({ value, onChange }: ControlProps) {
  const id = useId()
  return (
    <fieldset className="csr-filters csr-as-of">
      <legend className="cs-visually-hidden">Show the consents as they were at an instant</legend>
      <Field id={`${id}-at`} label="As of (your local time)">
        <input
          id={`${id}-at`}
          data-testid="audit-as-of"
          className="cs-input"
          type="datetime-local"
          step={1}
          max={localInputOf(Date.now())}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      </Field>
      {value && (
        <button
          type="button"
          className="csr-button csr-button-quiet"
          data-testid="audit-as-of-now"
          onClick={() => onChange('')}
        >
          Now
        </button>
      )}
    </fieldset>
  )
}

interface TableProps {
  view: ConsentsAtView
  catalog: PurposeCatalog
}

/** The customer's consents at the "as of" instant, read-only, as the server rebuilt them. */
export function AsOfConsents({ view, catalog }: TableProps) {
  if (view.kind === 'off') return null
  if (view.kind === 'loading') return <p className="cs-muted">Loading the consents of then…</p>
  if (view.kind === 'failed') {
    return (
      <p className="cs-error" role="alert">
        Could not load the consents of then: {view.message}
      </p>
    )
  }
  const { at, purposes, decisions } = view.value
  const when = localDateAndTime(at)
  return (
    <section
      className="cs-audit-scroll"
      aria-labelledby="as-of-title"
      data-testid="as-of-consents"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box a keyboard must reach to scroll the table sideways on a phone
      tabIndex={0}
    >
      <table className="cs-audit-table">
        <caption id="as-of-title" className="csr-as-of-caption">
          Consents as of <time dateTime={at}>{`${when.date} ${when.time}`}</time>, from the {decisions.length}{' '}
          decision{decisions.length === 1 ? '' : 's'} received by then
        </caption>
        <thead>
          <tr>
            <th scope="col">Purpose</th>
            <th scope="col">State</th>
            <th scope="col">Effective state</th>
            <th scope="col">Conflicted</th>
            <th scope="col">Notice version</th>
          </tr>
        </thead>
        <tbody>
          {purposes.map((p) => (
            <tr
              key={p.purposeId}
              data-testid="as-of-row"
              data-purpose={p.purposeId}
              data-state={p.state}
              data-effective={p.effectiveState}
            >
              <th scope="row">{purposeTitle(catalog, p.purposeId)}</th>
              <td>
                <span className={`cs-chip cs-chip-${p.state}`}>{p.state}</span>
              </td>
              <td>
                <span className={`cs-chip cs-chip-${p.effectiveState}`}>{p.effectiveState}</span>
                {p.expired ? ' (expired)' : p.needsReconsent ? ' (needs re-consent)' : ''}
              </td>
              <td>{p.conflicted ? 'Yes' : 'No'}</td>
              <td>{p.noticeVersion ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
