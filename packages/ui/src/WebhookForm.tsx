import { type FormEvent, useId, useRef, useState } from 'react'
import { Field } from './Field'
import { type NewWebhookBody, WEBHOOK_EVENTS, type WebhookEvent, type WebhookRefusal } from './webhooks'

export interface PurposeOption {
  id: string
  title: string
}

export interface WebhookFormProps {
  /** The catalog's purposes, for the optional purpose filter. */
  purposes: readonly PurposeOption[]
  /** Registers the endpoint; the server's refusal (shown at the field it names), or null once done. */
  onCreate(body: NewWebhookBody): Promise<WebhookRefusal | null>
}

type FieldName = 'url' | 'events' | 'purposeIds'

const fieldOf = (field: string | undefined): FieldName | null =>
  field === 'url' || field === 'events' || field === 'purposeIds' ? field : null

/**
 * Registers a webhook endpoint: its URL, the events it gets, and optionally the purposes whose
 * events it gets. A refusal is shown at the field the server names; nothing typed is lost.
 */
export function WebhookForm({ purposes, onCreate }: WebhookFormProps) {
  const id = useId()
  const [url, setUrl] = useState('')
  const [events, setEvents] = useState<WebhookEvent[]>(['decision.accepted'])
  const [purposeIds, setPurposeIds] = useState<string[]>([])
  const [busy, setBusy] = useState(false)
  const [refusal, setRefusal] = useState<WebhookRefusal | null>(null)
  const inputs = useRef(new Map<FieldName, HTMLElement | null>())
  const at = fieldOf(refusal?.field)
  const errorAt = (f: FieldName) => (refusal && at === f ? refusal.message : null)

  const toggleEvent = (e: WebhookEvent, on: boolean) =>
    setEvents((list) =>
      on ? WEBHOOK_EVENTS.filter((x) => x === e || list.includes(x)) : list.filter((x) => x !== e),
    )

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (events.length === 0) {
      setRefusal({ message: 'Choose at least one event.', field: 'events' })
      inputs.current.get('events')?.focus()
      return
    }
    setBusy(true)
    setRefusal(null)
    const answer = await onCreate({ url: url.trim(), events, ...(purposeIds.length ? { purposeIds } : {}) })
    setBusy(false)
    if (answer) {
      setRefusal(answer)
      const f = fieldOf(answer.field)
      if (f) inputs.current.get(f)?.focus()
      return
    }
    setUrl('')
    setEvents(['decision.accepted'])
    setPurposeIds([])
  }

  return (
    <form
      className="cs-webhook-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby={`${id}-title`}
      noValidate
    >
      <h3 id={`${id}-title`} className="cs-form-title">
        Register an endpoint
      </h3>
      <Field id={`${id}-url`} label="Endpoint URL" required>
        <input
          id={`${id}-url`}
          ref={(el) => {
            inputs.current.set('url', el)
          }}
          className="cs-input"
          type="url"
          inputMode="url"
          placeholder="https://crm.example.lk/hooks/consent"
          value={url}
          required
          onChange={(e) => setUrl(e.target.value)}
          aria-invalid={errorAt('url') ? true : undefined}
          aria-describedby={errorAt('url') ? `${id}-url-error` : undefined}
          data-testid="webhook-url"
        />
        {errorAt('url') ? (
          <p id={`${id}-url-error`} className="cs-error" data-testid="webhook-url-error">
            {errorAt('url')}
          </p>
        ) : null}
      </Field>
      <fieldset
        className="cs-fieldset"
        aria-invalid={errorAt('events') ? true : undefined}
        aria-describedby={errorAt('events') ? `${id}-events-error` : undefined}
      >
        <legend className="cs-label">
          Events <span className="cs-required">(required)</span>
        </legend>
        {WEBHOOK_EVENTS.map((ev, i) => (
          <label key={ev} className="cs-check">
            <input
              type="checkbox"
              ref={
                i === 0
                  ? (el) => {
                      inputs.current.set('events', el)
                    }
                  : undefined
              }
              checked={events.includes(ev)}
              onChange={(e) => toggleEvent(ev, e.target.checked)}
              data-testid={`webhook-event-${ev}`}
            />
            <code>{ev}</code>
          </label>
        ))}
        {errorAt('events') ? (
          <p id={`${id}-events-error`} className="cs-error" data-testid="webhook-events-error">
            {errorAt('events')}
          </p>
        ) : null}
      </fieldset>
      <Field id={`${id}-purposes`} label="Only these purposes (optional)">
        <select
          id={`${id}-purposes`}
          ref={(el) => {
            inputs.current.set('purposeIds', el)
          }}
          className="cs-input cs-webhook-purposes"
          multiple
          size={Math.min(Math.max(purposes.length, 2), 8)}
          value={purposeIds}
          onChange={(e) => setPurposeIds([...e.target.selectedOptions].map((o) => o.value))}
          aria-describedby={`${id}-purposes-hint${errorAt('purposeIds') ? ` ${id}-purposes-error` : ''}`}
          aria-invalid={errorAt('purposeIds') ? true : undefined}
          data-testid="webhook-purposes"
        >
          {purposes.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title} ({p.id})
            </option>
          ))}
        </select>
        <p id={`${id}-purposes-hint`} className="cs-muted">
          None chosen: events of every purpose. Hold Ctrl (⌘ on a Mac) to choose several.
        </p>
        {errorAt('purposeIds') ? (
          <p id={`${id}-purposes-error`} className="cs-error">
            {errorAt('purposeIds')}
          </p>
        ) : null}
      </Field>
      {refusal && !at ? (
        <p className="cs-error" role="alert" data-testid="webhook-form-error">
          {refusal.message}
        </p>
      ) : null}
      <p className="cs-visually-hidden" role="status">
        {refusal && at ? `Not registered: ${refusal.message}` : ''}
      </p>
      <button
        type="submit"
        className="cs-button cs-button-primary"
        disabled={busy}
        data-testid="webhook-create"
      >
        {busy ? 'Registering…' : 'Register endpoint'}
      </button>
    </form>
  )
}
