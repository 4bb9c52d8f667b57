import { type KeyboardEvent, useId, useRef, useState } from 'react'
import { useCustomerSearch } from './useCustomerSearch'

interface Props {
  openCustomerId: string | null
  onOpen(customerId: string): void
}

/** Finds a customer by id, name or phone; arrow keys move through the results, Enter opens one. */
export function CustomerSearch({ openCustomerId, onOpen }: Props) {
  const [query, setQuery] = useState('')
  const state = useCustomerSearch(query)
  const listRef = useRef<HTMLUListElement>(null)
  const inputId = useId()
  const statusId = useId()

  const results = state.kind === 'done' ? state.customers : []
  const buttons = () => [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])]

  const onInputKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault()
      buttons()[0]?.focus()
    } else if (e.key === 'Enter' && results.length === 1 && results[0]) {
      e.preventDefault()
      onOpen(results[0].id)
    } else if (e.key === 'Escape') {
      setQuery('')
    }
  }

  const onListKey = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    e.preventDefault()
    const all = buttons()
    const at = all.indexOf(document.activeElement as HTMLButtonElement)
    const next = e.key === 'ArrowDown' ? at + 1 : at - 1
    if (next < 0) document.getElementById(inputId)?.focus()
    else all[Math.min(next, all.length - 1)]?.focus()
  }

  const status =
    state.kind === 'searching'
      ? 'Searching…'
      : state.kind === 'failed'
        ? `Search failed: ${state.message}`
        : state.kind === 'done'
          ? results.length === 0
            ? 'No customer matches.'
            : `${results.length} ${results.length === 1 ? 'customer' : 'customers'} found. Use the arrow keys to choose.`
          : ''

  return (
    <section className="csr-card csr-search" aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`} className="csr-card-title">
        Find a customer
      </h2>
      <label htmlFor={inputId} className="cs-label">
        Customer id, name or phone
      </label>
      <input
        id={inputId}
        data-testid="customer-search"
        className="cs-input"
        type="search"
        autoComplete="off"
        spellCheck={false}
        placeholder="C-0001, Perera, +94 77 123 4567"
        value={query}
        aria-describedby={statusId}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onInputKey}
      />
      <p id={statusId} className="cs-muted csr-search-status" role="status" aria-live="polite">
        {status}
      </p>
      {results.length > 0 && (
        <ul className="csr-results" ref={listRef} onKeyDown={onListKey} aria-label="Search results">
          {results.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                data-testid={`customer-result-${c.id}`}
                className="csr-result"
                aria-current={c.id === openCustomerId ? 'true' : undefined}
                onClick={() => onOpen(c.id)}
              >
                <span className="csr-result-name">{c.name}</span>
                <span className="csr-result-meta">
                  <code>{c.id}</code> · {c.phone}
                </span>
                <span className="csr-result-open" data-testid={`open-customer-${c.id}`} aria-hidden="true">
                  Open →
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
