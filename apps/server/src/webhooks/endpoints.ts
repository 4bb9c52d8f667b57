import { randomBytes } from 'node:crypto'
import type { AdminRecord, CatalogStore } from '../store/catalog-store'
import { OUTBOX_EVENT_TYPES, type OutboxEventType, type OutboxStore } from '../store/outbox'
import type { ReplayWhich, WebhookEndpointRow, WebhookStore } from '../store/webhook-store'
import type { SecretBox } from './secret-box'
import { newWebhookSecret } from './signing'
import { checkTargetResolves, type TargetPolicy } from './target-guard'

/** An endpoint as admins see it: never a secret (only when one is made, once). */
export interface PublicEndpoint {
  id: string
  url: string
  events: OutboxEventType[]
  purposeIds?: string[]
  enabled: boolean
  /** Why it is disabled: `admin`, or `gone` (the receiver answered 410 Gone). */
  disabledReason?: 'admin' | 'gone'
  /** While a rotated-out secret still signs beside the new one: until when. */
  previousSecretUntil?: string
  createdAt: string
  updatedAt: string
}

export interface EndpointDraft {
  url: string
  events: OutboxEventType[]
  purposeIds?: string[]
  enabled?: boolean
}

/** What PATCH changes; `purposeIds: null` removes the filter. */
export type EndpointPatch = Partial<Omit<EndpointDraft, 'purposeIds'>> & { purposeIds?: string[] | null }

export interface EndpointProblem {
  status: 400 | 404
  message: string
  field?: string
}

export type EndpointOutcome =
  | { ok: true; endpoint: PublicEndpoint; secret?: string }
  | { ok: false; problem: EndpointProblem }

export interface Actor {
  id: string
  role: string
}

/** Who disables an endpoint whose receiver answered 410 Gone, in the admin log. */
export const DELIVERY_ACTOR: Actor = { id: 'webhook-delivery', role: 'system' }

export interface EndpointDeps {
  store: WebhookStore & Pick<CatalogStore, 'adminLog'>
  outbox: Pick<OutboxStore, 'outboxHead'>
  box: SecretBox
  policy: TargetPolicy
  rotationOverlapSeconds: number
  now: () => number
  /** Name resolution for the registration check (tests: a name that resolves to loopback). */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>
}

export function publicEndpoint(e: WebhookEndpointRow, nowMs: number): PublicEndpoint {
  const out: PublicEndpoint = {
    id: e.id,
    url: e.url,
    events: e.events,
    enabled: e.enabled,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  }
  if (e.purposeIds !== null) out.purposeIds = e.purposeIds
  if (e.disabledReason !== null) out.disabledReason = e.disabledReason
  if (e.previousSecretUntil !== null && Date.parse(e.previousSecretUntil) > nowMs)
    out.previousSecretUntil = e.previousSecretUntil
  return out
}

/** The secrets that sign a delivery now: the current one, and the rotated-out one during its overlap. */
export function activeSecrets(box: SecretBox, e: WebhookEndpointRow, nowMs: number): string[] {
  const secrets = [box.open(e.secretSealed)]
  if (e.previousSecretSealed && e.previousSecretUntil && Date.parse(e.previousSecretUntil) > nowMs)
    secrets.push(box.open(e.previousSecretSealed))
  return secrets
}

/** The URL as the admin log records it: without its query, which may carry a receiver's token. */
const loggedUrl = (url: string) => {
  const u = new URL(url)
  return `${u.origin}${u.pathname}`
}

const refuse = (status: 400 | 404, message: string, field?: string): EndpointOutcome => ({
  ok: false,
  problem: field === undefined ? { status, message } : { status, message, field },
})

function record(deps: EndpointDeps, action: string, id: string, actor: Actor, details: object): AdminRecord {
  return {
    action,
    target: `webhook:${id}`,
    actorId: actor.id,
    actorRole: actor.role,
    at: new Date(deps.now()).toISOString(),
    details: details as Record<string, unknown>,
  }
}

async function urlProblem(deps: EndpointDeps, url: string): Promise<EndpointOutcome | undefined> {
  const verdict = await checkTargetResolves(deps.policy, url, deps.resolve)
  return verdict.ok ? undefined : refuse(400, `url ${verdict.detail}`, 'url')
}

function eventsProblem(events: readonly string[]): EndpointOutcome | undefined {
  const unknown = events.find((e) => !OUTBOX_EVENT_TYPES.includes(e as OutboxEventType))
  if (unknown !== undefined) return refuse(400, `unknown event type ${unknown}`, 'events')
  if (events.length === 0) return refuse(400, 'name at least one event type', 'events')
  return undefined
}

export async function createEndpoint(
  deps: EndpointDeps,
  draft: EndpointDraft,
  actor: Actor,
): Promise<EndpointOutcome> {
  const problem = eventsProblem(draft.events) ?? (await urlProblem(deps, draft.url))
  if (problem) return problem
  const id = `whep_${randomBytes(12).toString('hex')}`
  const secret = newWebhookSecret()
  const at = new Date(deps.now()).toISOString()
  const endpoint: WebhookEndpointRow = {
    id,
    url: draft.url,
    events: [...new Set(draft.events)],
    purposeIds: draft.purposeIds ? [...new Set(draft.purposeIds)] : null,
    enabled: draft.enabled ?? true,
    disabledReason: draft.enabled === false ? 'admin' : null,
    secretSealed: deps.box.seal(secret),
    previousSecretSealed: null,
    previousSecretUntil: null,
    createdAt: at,
    updatedAt: at,
  }
  // Sent the events from now on: those stored after the outbox's head as it stands.
  const cursor = await deps.outbox.outboxHead()
  await deps.store.saveWebhookEndpoint(
    endpoint,
    record(deps, 'webhook.create', id, actor, {
      url: loggedUrl(endpoint.url),
      events: endpoint.events,
      purposeIds: endpoint.purposeIds,
      enabled: endpoint.enabled,
    }),
    cursor,
  )
  return { ok: true, endpoint: publicEndpoint(endpoint, deps.now()), secret }
}

async function stored(deps: EndpointDeps, id: string) {
  return deps.store.getWebhookEndpoint(id)
}

export async function updateEndpoint(
  deps: EndpointDeps,
  id: string,
  patch: EndpointPatch,
  actor: Actor,
): Promise<EndpointOutcome> {
  const e = await stored(deps, id)
  if (!e) return refuse(404, `no webhook endpoint ${id}`)
  const problem =
    (patch.events ? eventsProblem(patch.events) : undefined) ??
    (patch.url !== undefined ? await urlProblem(deps, patch.url) : undefined)
  if (problem) return problem
  const next: WebhookEndpointRow = { ...e, updatedAt: new Date(deps.now()).toISOString() }
  const changed: Record<string, unknown> = {}
  if (patch.url !== undefined && patch.url !== e.url) {
    next.url = patch.url
    changed.url = loggedUrl(patch.url)
  }
  if (patch.events) {
    next.events = [...new Set(patch.events)]
    changed.events = next.events
  }
  if (patch.purposeIds !== undefined) {
    next.purposeIds = patch.purposeIds === null ? null : [...new Set(patch.purposeIds)]
    changed.purposeIds = next.purposeIds
  }
  if (patch.enabled !== undefined && patch.enabled !== e.enabled) {
    next.enabled = patch.enabled
    next.disabledReason = patch.enabled ? null : 'admin'
    changed.enabled = patch.enabled
  }
  await deps.store.saveWebhookEndpoint(next, record(deps, 'webhook.update', id, actor, changed), 0)
  return { ok: true, endpoint: publicEndpoint(next, deps.now()) }
}

/** A new secret, shown once; the former one goes on signing beside it for the overlap. */
export async function rotateSecret(deps: EndpointDeps, id: string, actor: Actor): Promise<EndpointOutcome> {
  const e = await stored(deps, id)
  if (!e) return refuse(404, `no webhook endpoint ${id}`)
  const secret = newWebhookSecret()
  const nowMs = deps.now()
  const until = new Date(nowMs + deps.rotationOverlapSeconds * 1000).toISOString()
  const next: WebhookEndpointRow = {
    ...e,
    secretSealed: deps.box.seal(secret),
    // Re-sealed under the current key: a rotation also moves the old secret off a former key.
    previousSecretSealed:
      deps.rotationOverlapSeconds > 0 ? deps.box.seal(deps.box.open(e.secretSealed)) : null,
    previousSecretUntil: deps.rotationOverlapSeconds > 0 ? until : null,
    updatedAt: new Date(nowMs).toISOString(),
  }
  await deps.store.saveWebhookEndpoint(
    next,
    record(deps, 'webhook.rotate-secret', id, actor, { previousSecretUntil: next.previousSecretUntil }),
    0,
  )
  return { ok: true, endpoint: publicEndpoint(next, nowMs), secret }
}

export async function deleteEndpoint(deps: EndpointDeps, id: string, actor: Actor): Promise<boolean> {
  return (
    (await deps.store.deleteWebhookEndpoint(id, record(deps, 'webhook.delete', id, actor, {}))) !== undefined
  )
}

/** Stops attempts to an endpoint whose receiver said 410 Gone: recorded, and shown as `gone`. */
export async function disableGone(deps: EndpointDeps, id: string, eventId: string): Promise<void> {
  const e = await stored(deps, id)
  if (!e?.enabled) return
  const next: WebhookEndpointRow = {
    ...e,
    enabled: false,
    disabledReason: 'gone',
    updatedAt: new Date(deps.now()).toISOString(),
  }
  await deps.store.saveWebhookEndpoint(
    next,
    record(deps, 'webhook.disable', id, DELIVERY_ACTOR, { reason: 'gone', status: 410, eventId }),
    0,
  )
}

export async function replayDeliveries(
  deps: EndpointDeps,
  id: string,
  which: ReplayWhich,
  actor: Actor,
): Promise<{ ok: true; count: number } | { ok: false; problem: EndpointProblem }> {
  if (!(await stored(deps, id)))
    return { ok: false, problem: { status: 404, message: `no webhook endpoint ${id}` } }
  const { count } = await deps.store.replayWebhookDeliveries(
    id,
    which,
    deps.now(),
    record(deps, 'webhook.replay', id, actor, which),
  )
  return { ok: true, count }
}
