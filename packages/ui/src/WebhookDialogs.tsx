import { useState } from 'react'
import { Dialog } from './Dialog'
import { localDateAndTime } from './local-time'
import type { WebhookRefusal } from './webhooks'

export interface WebhookSecretDialogProps {
  url: string
  secret: string
  /** After a rotation: until when the former secret still signs beside this one. */
  previousSecretUntil?: string | undefined
  onClose(): void
}

/**
 * The endpoint's signing secret, shown once (after registering or rotating): a copy button and a
 * plain warning that it is not shown again.
 */
export function WebhookSecretDialog({ url, secret, previousSecretUntil, onClose }: WebhookSecretDialogProps) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret)
      setCopied('yes')
    } catch {
      setCopied('failed')
    }
  }
  const until = previousSecretUntil ? localDateAndTime(previousSecretUntil) : null
  return (
    <Dialog
      title={previousSecretUntil ? 'New signing secret' : 'Endpoint registered: its signing secret'}
      onClose={onClose}
      testId="webhook-secret-dialog"
    >
      <p>
        The signing secret of <code>{url}</code>. Give it to the system behind the endpoint, which checks each
        delivery's <code>webhook-signature</code> with it.
      </p>
      <p className="cs-webhook-secret">
        <code data-testid="webhook-secret">{secret}</code>
      </p>
      <p className="cs-webhook-warning">
        <strong>You will not see it again.</strong> Copy it now; if it is lost, rotate the secret.
      </p>
      {until ? (
        <p data-testid="webhook-overlap">
          The former secret keeps signing beside this one until {until.date} {until.time}, so the receiver can
          switch without missing a delivery.
        </p>
      ) : null}
      <p className="cs-muted" role="status" data-testid="webhook-copy-status">
        {copied === 'yes' ? 'Copied to the clipboard.' : ''}
        {copied === 'failed' ? 'Could not copy: select the secret and copy it by hand.' : ''}
      </p>
      <div className="cs-dialog-actions">
        <button
          type="button"
          className="cs-button cs-button-primary"
          onClick={() => void copy()}
          data-testid="webhook-secret-copy"
        >
          Copy secret
        </button>
        <button type="button" className="cs-button" onClick={onClose} data-testid="webhook-secret-close">
          I have saved it
        </button>
      </div>
    </Dialog>
  )
}

export interface WebhookConfirmDialogProps {
  title: string
  children: React.ReactNode
  confirmLabel: string
  busyLabel: string
  danger?: boolean
  onConfirm(): Promise<WebhookRefusal | null>
  onClose(): void
  testId: string
}

/** Asks before a webhook change (deleting an endpoint, rotating its secret); the refusal inside. */
export function WebhookConfirmDialog({
  title,
  children,
  confirmLabel,
  busyLabel,
  danger = false,
  onConfirm,
  onClose,
  testId,
}: WebhookConfirmDialogProps) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const confirm = async () => {
    setBusy(true)
    setError(null)
    const refusal = await onConfirm()
    setBusy(false)
    if (refusal) setError(refusal.message)
  }
  return (
    <Dialog title={title} onClose={onClose} testId={testId}>
      {children}
      {error ? (
        <p className="cs-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="cs-dialog-actions">
        <button
          type="button"
          className={danger ? 'cs-button cs-button-danger' : 'cs-button cs-button-primary'}
          disabled={busy}
          onClick={() => void confirm()}
          data-testid={`${testId}-confirm`}
        >
          {busy ? busyLabel : confirmLabel}
        </button>
        <button type="button" className="cs-button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  )
}
