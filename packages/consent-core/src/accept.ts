import { type AuditEntry, auditEntriesFor, type ChainHead, chainAll } from './audit'
import type { PurposeCatalog } from './catalog'
import { sha256Hex } from './hash'
import type { Limits } from './limits'
import type { ConnectionUser, Decision } from './types'
import type { ShadowValidator } from './validate'
import type { Rejected } from './validation-result'

/** Who sent an update and when the accepting side received it (SPEC 4.2, 6). */
export interface AcceptContext {
  customerId: string
  /** From the verified token (or the demo's person), never from the update. */
  user: ConnectionUser
  /** The receiving side's clock: the authoritative time of the decisions. */
  receivedAt: string
  connectionId: string
}

/** An update that holds nothing the document lacks (a re-send or a relay): nothing to store. */
export interface Unchanged {
  ok: true
  changed: false
}

/** An update to make durable with its audit entries, already chained onto `head`. */
export interface Changed {
  ok: true
  changed: true
  added: Decision[]
  /** Profile keys the update set, with their values. */
  profile: Record<string, string>
  /** SHA-256 (hex) of the raw update, as its audit entries name it. */
  updateHash: string
  /** One entry per added decision, chained after `head` (SPEC 5.2). */
  entries: AuditEntry[]
  /** The chain head once these entries are stored. */
  head: ChainHead
  /** Encoded size of the document after the update (an upper bound). */
  documentBytes: number
}

export type AcceptResult = Unchanged | Changed | Rejected

export interface AcceptInput {
  /** The document's kept shadow; an accepted update stays applied to it (SPEC 2.14). */
  validator: ShadowValidator
  /** The document's decisions before this update; by default what the validator keeps of them. */
  before?: readonly Decision[]
  /** The customer's audit chain head before this update. */
  head: ChainHead
  update: Uint8Array
  context: AcceptContext
  catalog: PurposeCatalog
  limits?: Limits
}

/**
 * The one accept path (SPEC 6): judges an update on the document's shadow, derives an audit
 * record per new decision with the actor from `context`, and chains them onto `head`. The
 * server's pipeline and the offline demo's hub both call it, so they cannot disagree. Pure but for
 * the shadow: the caller stores `entries` with the update, applies the update to the document,
 * and keeps `head`; when storing fails it calls `validator.reset()`.
 */
export function acceptUpdate(input: AcceptInput): AcceptResult {
  const { validator, update, context, catalog } = input
  const verdict = validator.validate(update, context.user, catalog, input.limits)
  if (!verdict.ok) return verdict
  if (!verdict.changed) return { ok: true, changed: false }
  const updateHash = sha256Hex(update)
  const records =
    verdict.added.length === 0
      ? []
      : auditEntriesFor(
          input.before ?? ((purposeId) => validator.decisionsBefore(purposeId)),
          verdict.added,
          {
            customerId: context.customerId,
            receivedAt: context.receivedAt,
            connectionId: context.connectionId,
            updateHash,
            user: { id: context.user.id, role: context.user.role },
          },
          catalog,
        )
  const entries = chainAll(input.head, records)
  const last = entries.at(-1)
  return {
    ok: true,
    changed: true,
    added: verdict.added,
    profile: verdict.profile,
    updateHash,
    entries,
    head: last ? { seq: last.seq, hash: last.hash } : input.head,
    documentBytes: verdict.documentBytes,
  }
}
