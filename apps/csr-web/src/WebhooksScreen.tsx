import type { PurposeCatalog } from '@consent-sync/consent-core'
import {
  type DeliveryStatus,
  useToast,
  WebhookDeliveries,
  type WebhookEndpoint,
  WebhookForm,
  WebhookSecretDialog,
  WebhookTable,
} from '@consent-sync/ui'
import { useMemo, useState } from 'react'
import { useSession } from './SessionContext'
import { useDeliveries, useWebhooks } from './useWebhooks'

interface Props {
  catalog: PurposeCatalog
  /** After each change the server accepted (the administrators' log reloads). */
  onChanged(): void
  onClose(): void
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`

/**
 * The webhooks screen: the endpoints downstream systems registered with their status, a form to
 * register one (its secret shown once), and one endpoint's deliveries with replay. An auditor
 * reads the endpoints and deliveries; only an administrator changes them.
 */
export function WebhooksScreen({ catalog, onChanged, onClose }: Props) {
  const toast = useToast()
  const { session } = useSession()
  const isAdmin = session.user.role === 'admin'
  const hooks = useWebhooks(onChanged)
  const [created, setCreated] = useState<{ secret: string; endpoint: WebhookEndpoint } | null>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const [status, setStatus] = useState<DeliveryStatus>('pending')
  const [replays, setReplays] = useState(0)
  const open = hooks.endpoints.find((e) => e.id === openId) ?? null
  const deliveries = useDeliveries(open?.id ?? null, status, replays)
  const purposes = useMemo(
    () =>
      catalog.purposes.filter((p) => p.status !== 'retired').map((p) => ({ id: p.id, title: p.title.en })),
    [catalog],
  )
  const purposeTitle = (id: string) => catalog.purposes.find((p) => p.id === id)?.title.en ?? id

  return (
    <section className="csr-card" aria-labelledby="webhooks-title" data-testid="webhooks-screen">
      <div className="csr-card-head">
        <h2 id="webhooks-title" className="csr-card-title">
          Webhooks
        </h2>
        <button type="button" className="csr-button csr-button-quiet" onClick={onClose}>
          Back to customers
        </button>
      </div>
      <p className="cs-muted">
        Downstream systems (billing, CRM, the SMS gateway) get each consent change here as a signed HTTP POST,
        retried until they answer 2xx.
        {isAdmin ? '' : ' You can read the endpoints and their deliveries; administrators change them.'}
      </p>
      {isAdmin ? (
        <div className="csr-accounts-create">
          <WebhookForm
            purposes={purposes}
            onCreate={async (body) => {
              const answer = await hooks.create(body)
              if (!answer.ok) return answer
              setCreated({ secret: answer.secret, endpoint: answer.endpoint })
              toast(`Registered ${answer.endpoint.url}.`, 'success')
              return null
            }}
          />
        </div>
      ) : null}
      {hooks.error ? (
        <p className="cs-error" role="alert" data-testid="webhooks-error">
          Could not load the endpoints: {hooks.error} Reload the page to try again.
        </p>
      ) : null}
      <WebhookTable
        endpoints={hooks.endpoints}
        purposeTitle={purposeTitle}
        openId={open?.id ?? null}
        onOpenDeliveries={(id) => setOpenId((current) => (current === id ? null : id))}
        {...(isAdmin
          ? {
              actions: {
                onSetEnabled: async (id, enabled) => {
                  const refusal = await hooks.setEnabled(id, enabled)
                  if (!refusal)
                    toast(
                      enabled
                        ? 'Enabled the endpoint: deliveries resume.'
                        : 'Disabled the endpoint: nothing more is sent to it.',
                      'success',
                    )
                  return refusal
                },
                onRotate: async (id) => {
                  const answer = await hooks.rotate(id)
                  if (answer.ok) toast('Rotated the signing secret.', 'success')
                  return answer
                },
                onDelete: async (id) => {
                  const refusal = await hooks.remove(id)
                  if (!refusal) {
                    if (openId === id) setOpenId(null)
                    toast('Deleted the endpoint.', 'success')
                  }
                  return refusal
                },
              },
            }
          : {})}
      />
      <p className="cs-muted" role="status">
        {hooks.loading ? 'Loading…' : plural(hooks.endpoints.length, 'endpoint')}
      </p>
      {open ? (
        <WebhookDeliveries
          url={open.url}
          status={status}
          onStatus={setStatus}
          {...deliveries}
          {...(isAdmin
            ? {
                actions: {
                  onReplay: async (eventId) => {
                    const answer = await hooks.replay(open.id, eventId)
                    if ('ok' in answer) return answer
                    setReplays((n) => n + 1)
                    toast(`Sending ${eventId} again.`, 'success')
                    return null
                  },
                  onReplaySince: async (since) => {
                    const answer = await hooks.replaySince(open.id, since)
                    if ('ok' in answer) return answer
                    setReplays((n) => n + 1)
                    toast(`Sending ${plural(answer.count, 'event')} again.`, 'success')
                    return null
                  },
                },
              }
            : {})}
        />
      ) : null}
      {created ? (
        <WebhookSecretDialog
          url={created.endpoint.url}
          secret={created.secret}
          onClose={() => setCreated(null)}
        />
      ) : null}
    </section>
  )
}
