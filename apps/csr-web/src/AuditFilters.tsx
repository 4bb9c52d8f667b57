import type { PurposeCatalog } from '@consent-sync/consent-core'
import { Field } from '@consent-sync/ui'
import { useId } from 'react'
import { type AuditFilter, NO_FILTER } from './auditFilter'

interface Props {
  value: AuditFilter
  onChange(value: AuditFilter): void
  catalog: PurposeCatalog
}

/** Purpose, actor and receive-date filters of the audit trail. */
export function AuditFilters({ value, onChange, catalog }: Props) {
  const id = useId()
  const set = (patch: Partial<AuditFilter>) => onChange({ ...value, ...patch })
  const filtered = JSON.stringify(value) !== JSON.stringify(NO_FILTER)
  return (
    <fieldset className="csr-filters">
      <legend className="cs-visually-hidden">Filter the audit trail</legend>
      <Field id={`${id}-purpose`} label="Purpose">
        <select
          id={`${id}-purpose`}
          data-testid="audit-filter-purpose"
          className="cs-input"
          value={value.purposeId}
          onChange={(e) => set({ purposeId: e.target.value })}
        >
          <option value="">All purposes</option>
          {catalog.purposes.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title.en}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-actor`} label="Actor id">
        <input
          id={`${id}-actor`}
          data-testid="audit-filter-actor"
          className="cs-input"
          type="search"
          placeholder="csr1, C-0001"
          autoComplete="off"
          spellCheck={false}
          value={value.actorId}
          onChange={(e) => set({ actorId: e.target.value })}
        />
      </Field>
      <Field id={`${id}-from`} label="Received from">
        <input
          id={`${id}-from`}
          data-testid="audit-filter-from"
          className="cs-input"
          type="date"
          value={value.from}
          max={value.to || undefined}
          onChange={(e) => set({ from: e.target.value })}
        />
      </Field>
      <Field id={`${id}-to`} label="Received to">
        <input
          id={`${id}-to`}
          data-testid="audit-filter-to"
          className="cs-input"
          type="date"
          value={value.to}
          min={value.from || undefined}
          onChange={(e) => set({ to: e.target.value })}
        />
      </Field>
      {filtered && (
        <button type="button" className="csr-button csr-button-quiet" onClick={() => onChange(NO_FILTER)}>
          Clear filters
        </button>
      )}
    </fieldset>
  )
}
