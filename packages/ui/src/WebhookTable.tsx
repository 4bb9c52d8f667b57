import { useState } from 'react'
import { localDateAndTime } from './local-time'
import { WebhookConfirmDialog, WebhookSecretDialog } from './WebhookDialogs'
import { endpointStatusText, type WebhookEndpoint, type WebhookRefusal } from './webhooks'

/** A rotation's answer: the new secret (shown once) and the endpoint, or the server's refusal. */
export type RotateAnswer =
  | { ok: true; secret: string; endpoint: WebhookEndpoint }
  | ({ ok: false } & WebhookRefusal)

export interface WebhookTableProps {
  endpoints: readonly WebhookEndpoint[]
  /** A purpose's title by id, for the purpose filter column. */
  purposeTitle(id: string): string
  /** The endpoint whose deliveries are shown below, if any. */
  openId: string | null
  onOpenDeliveries(id: string): void
  /** Without these (an auditor), the table only reads. */
  actions?: {
    onSetEnabled(id: string, enabled: boolean): Promise<WebhookRefusal | null>
    onRotate(id: string): Promise<RotateAnswer>
    onDelete(id: string): Promise<WebhookRefusal | null>
  }
}

type Asking =
  | { kind: 'rotate' | 'delete'; endpoint: WebhookEndpoint }
  | { kind: 'secret'; endpoint: WebhookEndpoint; secret: string }
  | null

function when(at: string): string {
  const { date, time } = localDateAndTime(at)
  return `${date} ${time}`
}

/** Every webhook endpoint: where, which events and purposes, whether it sends and why not; its actions. */
export function WebhookTable({
  endpoints,
  purposeTitle,
  openId,
  onOpenDeliveries,
  actions,
}: WebhookTableProps) {
  const [asking, setAsking] = useState<Asking>(null)
  const [toggling, setToggling] = useState<string | null>(null)
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null)
  const close = () => setAsking(null)
  const toggle = async (e: WebhookEndpoint) => {
    if (!actions) return
    setToggling(e.id)
    setRowError(null)
    const refusal = await actions.onSetEnabled(e.id, !e.enabled)
    setToggling(null)
    if (refusal) setRowError({ id: e.id, message: refusal.message })
  }
  return (
    <>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box a keyboard must reach to scroll the table sideways */}
      <section className="cs-audit-scroll" aria-label="Webhook endpoints" tabIndex={0}>
        <table className="cs-audit-table cs-webhook-table" data-testid="webhooks-table">
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Purposes</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.length === 0 && (
              <tr>
                <td colSpan={6} className="cs-muted">
                  No endpoints registered.
                </td>
              </tr>
            )}
            {endpoints.map((e) => (
              <tr
                key={e.id}
                data-testid={`webhook-row-${e.id}`}
                data-status={e.enabled ? 'enabled' : 'disabled'}
                aria-current={openId === e.id ? 'true' : undefined}
              >
                <th scope="row" className="cs-webhook-url">
                  <code>{e.url}</code>
                </th>
                <td>
                  {e.events.map((ev) => (
                    <code key={ev} className="cs-webhook-event">
                      {ev}
                    </code>
                  ))}
                </td>
                <td>{e.purposeIds?.length ? e.purposeIds.map(purposeTitle).join(', ') : 'All purposes'}</td>
                <td>
                  <span
                    className="cs-account-status"
                    data-status={e.enabled ? 'active' : 'disabled'}
                    data-testid="webhook-status"
                  >
                    {endpointStatusText(e)}
                  </span>
                  {rowError?.id === e.id ? (
                    <p className="cs-error" role="alert">
                      {rowError.message}
                    </p>
                  ) : null}
                </td>
                <td>{when(e.createdAt)}</td>
                <td>
                  <div className="cs-webhook-actions">
                    <button
                      type="button"
                      className="cs-button"
                      aria-pressed={openId === e.id}
                      onClick={() => onOpenDeliveries(e.id)}
                      data-testid="webhook-deliveries-open"
                    >
                      Deliveries<span className="cs-visually-hidden"> to {e.url}</span>
                    </button>
                    {actions ? (
                      <>
                        <button
                          type="button"
                          className="cs-button"
                          disabled={toggling === e.id}
                          onClick={() => void toggle(e)}
                          data-testid="webhook-toggle"
                        >
                          {toggling === e.id
                            ? e.enabled
                              ? 'Disabling…'
                              : 'Enabling…'
                            : e.enabled
                              ? 'Disable'
                              : 'Enable'}
                          <span className="cs-visually-hidden"> {e.url}</span>
                        </button>
                        <button
                          type="button"
                          className="cs-button"
                          onClick={() => setAsking({ kind: 'rotate', endpoint: e })}
                          data-testid="webhook-rotate"
                        >
                          Rotate secret<span className="cs-visually-hidden"> of {e.url}</span>
                        </button>
                        <button
                          type="button"
                          className="cs-button cs-button-danger"
                          onClick={() => setAsking({ kind: 'delete', endpoint: e })}
                          data-testid="webhook-delete"
                        >
                          Delete<span className="cs-visually-hidden"> {e.url}</span>
                        </button>
                      </>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {actions && asking?.kind === 'delete' ? (
        <WebhookConfirmDialog
          title="Delete this endpoint?"
          confirmLabel="Delete endpoint"
          busyLabel="Deleting…"
          danger
          testId="webhook-delete-dialog"
          onClose={close}
          onConfirm={async () => {
            const refusal = await actions.onDelete(asking.endpoint.id)
            if (!refusal) close()
            return refusal
          }}
        >
          <p>
            <code>{asking.endpoint.url}</code> gets no more events, and its pending deliveries are dropped.
            The administrators' log keeps the record.
          </p>
        </WebhookConfirmDialog>
      ) : null}
      {actions && asking?.kind === 'rotate' ? (
        <WebhookConfirmDialog
          title="Rotate the signing secret?"
          confirmLabel="Rotate secret"
          busyLabel="Rotating…"
          testId="webhook-rotate-dialog"
          onClose={close}
          onConfirm={async () => {
            const answer = await actions.onRotate(asking.endpoint.id)
            if (!answer.ok) return { message: answer.message, field: answer.field }
            setAsking({ kind: 'secret', endpoint: answer.endpoint, secret: answer.secret })
            return null
          }}
        >
          <p>
            A new secret signs deliveries to <code>{asking.endpoint.url}</code> from now on. The current one
            keeps signing beside it for an overlap, so the receiver can switch over without missing a
            delivery.
          </p>
        </WebhookConfirmDialog>
      ) : null}
      {asking?.kind === 'secret' ? (
        <WebhookSecretDialog
          url={asking.endpoint.url}
          secret={asking.secret}
          previousSecretUntil={asking.endpoint.previousSecretUntil}
          onClose={close}
        />
      ) : null}
    </>
  )
}
