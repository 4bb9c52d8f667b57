import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from 'react'
import { Field } from './Field'
import { localDateAndTime } from './local-time'
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  localInputToRfc3339,
  type WebhookDelivery,
  type WebhookRefusal,
} from './webhooks'

export interface WebhookDeliveriesProps {
  url: string
  status: DeliveryStatus
  onStatus(status: DeliveryStatus): void
  deliveries: readonly WebhookDelivery[]
  loading: boolean
  error: string | null
  /** Without these (an auditor), the list only reads. */
  actions?: {
    onReplay(eventId: string): Promise<WebhookRefusal | null>
    /** `since` is RFC 3339 with the browser's offset. */
    onReplaySince(since: string): Promise<WebhookRefusal | null>
  }
}

const TAB_LABELS: Readonly<Record<DeliveryStatus, string>> = {
  pending: 'Pending',
  delivered: 'Delivered',
  dead: 'Dead',
}

const when = (at: string | undefined) => {
  if (!at) return '—'
  const { date, time } = localDateAndTime(at)
  return `${date} ${time}`
}

function lastAnswer(d: WebhookDelivery): string {
  // An error that only restates the status ("answered 500") adds nothing to "HTTP 500".
  const error =
    d.lastError && d.lastStatus !== undefined && d.lastError.includes(String(d.lastStatus))
      ? null
      : d.lastError
  const parts = [d.lastStatus === undefined ? null : `HTTP ${d.lastStatus}`, error ?? null]
  const text = parts.filter((p) => p !== null).join(': ')
  return text === '' ? '—' : text
}

/**
 * One endpoint's deliveries in three tabs (pending, delivered, dead), each event with its attempts
 * and last answer; a delivered or dead one can be sent again, or every one since a time.
 */
export function WebhookDeliveries({
  url,
  status,
  onStatus,
  deliveries,
  loading,
  error,
  actions,
}: WebhookDeliveriesProps) {
  const id = useId()
  const tabs = useRef(new Map<DeliveryStatus, HTMLButtonElement | null>())
  const [replaying, setReplaying] = useState<string | null>(null)
  const [rowError, setRowError] = useState<{ eventId: string; message: string } | null>(null)
  const [since, setSince] = useState('')
  const [sinceBusy, setSinceBusy] = useState(false)
  const [sinceError, setSinceError] = useState<string | null>(null)

  const onTabKey = (e: KeyboardEvent) => {
    const i = DELIVERY_STATUSES.indexOf(status)
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0
    if (step === 0) return
    e.preventDefault()
    const next = DELIVERY_STATUSES[(i + step + DELIVERY_STATUSES.length) % DELIVERY_STATUSES.length] ?? status
    onStatus(next)
    tabs.current.get(next)?.focus()
  }

  const replay = async (eventId: string) => {
    if (!actions) return
    setReplaying(eventId)
    setRowError(null)
    const refusal = await actions.onReplay(eventId)
    setReplaying(null)
    if (refusal) setRowError({ eventId, message: refusal.message })
  }

  const replaySince = async (e: FormEvent) => {
    e.preventDefault()
    if (!actions) return
    const at = localInputToRfc3339(since)
    if (at === null) {
      setSinceError('Choose a date and time.')
      return
    }
    setSinceBusy(true)
    setSinceError(null)
    const refusal = await actions.onReplaySince(at)
    setSinceBusy(false)
    if (refusal) setSinceError(refusal.message)
  }

  const replayable = status !== 'pending' && actions !== undefined
  // The server names the customer on some events only; no column of dashes when none does.
  const withCustomer = deliveries.some((d) => d.customerId !== undefined)
  const columns = 6 + (replayable ? 1 : 0) + (withCustomer ? 1 : 0)
  return (
    <section
      className="cs-webhook-deliveries"
      aria-labelledby={`${id}-title`}
      data-testid="webhook-deliveries"
    >
      <h3 id={`${id}-title`} className="cs-form-title">
        Deliveries to <code>{url}</code>
      </h3>
      <div role="tablist" aria-label="Delivery status" className="cs-tabs">
        {DELIVERY_STATUSES.map((s) => (
          <button
            key={s}
            ref={(el) => {
              tabs.current.set(s, el)
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${s}`}
            aria-selected={status === s}
            aria-controls={`${id}-panel`}
            tabIndex={status === s ? 0 : -1}
            className="cs-tab"
            onClick={() => onStatus(s)}
            onKeyDown={onTabKey}
            data-testid={`deliveries-tab-${s}`}
          >
            {TAB_LABELS[s]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${status}`} aria-busy={loading}>
        {error ? (
          <p className="cs-error" role="alert">
            Could not load the deliveries: {error}
          </p>
        ) : null}
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box a keyboard must reach to scroll the table sideways */}
        <section className="cs-audit-scroll" aria-label={`${TAB_LABELS[status]} deliveries`} tabIndex={0}>
          <table
            className="cs-audit-table cs-delivery-table"
            data-testid="deliveries-table"
            data-status={status}
          >
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Type</th>
                {withCustomer ? <th scope="col">Customer</th> : null}
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">{status === 'delivered' ? 'Delivered' : 'Next attempt'}</th>
                <th scope="col">Created</th>
                {replayable ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {deliveries.length === 0 ? (
                <tr>
                  <td colSpan={columns} className="cs-muted">
                    {loading ? 'Loading…' : `No ${status} deliveries.`}
                  </td>
                </tr>
              ) : null}
              {deliveries.map((d) => (
                <tr key={d.eventId} data-testid={`delivery-row-${d.eventId}`} data-status={d.status}>
                  <th scope="row" className="cs-nowrap">
                    <code>{d.eventId}</code>
                  </th>
                  <td>
                    <code>{d.type}</code>
                  </td>
                  {withCustomer ? <td>{d.customerId ?? '—'}</td> : null}
                  <td data-testid="delivery-attempts">{d.attempts}</td>
                  <td data-testid="delivery-last">
                    {lastAnswer(d)}
                    {rowError?.eventId === d.eventId ? (
                      <p className="cs-error" role="alert">
                        {rowError.message}
                      </p>
                    ) : null}
                  </td>
                  <td className="cs-nowrap">
                    {status === 'delivered'
                      ? when(d.deliveredAt)
                      : status === 'dead'
                        ? 'None (gave up)'
                        : when(d.nextAttemptAt)}
                  </td>
                  <td className="cs-nowrap">{when(d.createdAt)}</td>
                  {replayable ? (
                    <td>
                      <button
                        type="button"
                        className="cs-button"
                        disabled={replaying === d.eventId}
                        onClick={() => void replay(d.eventId)}
                        data-testid="delivery-replay"
                      >
                        {replaying === d.eventId ? 'Replaying…' : 'Replay'}
                        <span className="cs-visually-hidden"> {d.eventId}</span>
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      {actions ? (
        <form className="cs-webhook-replay-since" onSubmit={(e) => void replaySince(e)} noValidate>
          <Field id={`${id}-since`} label="Replay every delivered or dead event since">
            <input
              id={`${id}-since`}
              className="cs-input"
              type="datetime-local"
              value={since}
              onChange={(e) => setSince(e.target.value)}
              aria-invalid={sinceError ? true : undefined}
              aria-describedby={`${id}-since-hint${sinceError ? ` ${id}-since-error` : ''}`}
              data-testid="replay-since-input"
            />
            <p id={`${id}-since-hint`} className="cs-muted">
              In your time zone; sent in order with the same webhook-id.
            </p>
            {sinceError ? (
              <p id={`${id}-since-error`} className="cs-error" data-testid="replay-since-error">
                {sinceError}
              </p>
            ) : null}
          </Field>
          <button type="submit" className="cs-button" disabled={sinceBusy} data-testid="replay-since">
            {sinceBusy ? 'Replaying…' : 'Replay since…'}
          </button>
        </form>
      ) : null}
    </section>
  )
}
