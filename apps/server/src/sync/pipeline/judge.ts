import {
  acceptUpdate,
  type ChainHead,
  type Changed,
  type Limits,
  type PurposeCatalog,
  type RejectReason,
} from '@consent-sync/consent-core'
import { CloseCode, type CloseCodeValue, closeReason } from '@consent-sync/protocol'
import type { LiveDocument } from '../live-document'
import type { Peer } from '../peer'
import type { IncomingUpdate } from './incoming-update'

/**
 * How often one connection is asked (sync step 1) for the changes an update of its waits for,
 * before it is closed with 4422 'pending'. Counted per missing change, not reset by other messages:
 * a client answering with an empty step 2 cannot have the same update judged forever.
 */
const MAX_RESYNCS = 3

/** Missing changes remembered per connection; the oldest is forgotten past this. */
const MAX_RESYNC_KEYS = 64

/** What the judgement says to do with an update. */
export type Judgement =
  /** Changes the document: to be stored with its chained entries, then applied. */
  | { kind: 'accepted'; accepted: Changed }
  /** Holds nothing the document lacks (a re-send or a relay): acknowledged, nothing stored. */
  | { kind: 'unchanged' }
  /** Builds on changes the server lacks yet: the sender is asked for them (sync step 1). */
  | { kind: 'resync' }
  /** Breaks a rule: its connection is closed with `close`; nothing of it is applied. */
  | { kind: 'refused'; reason: RejectReason; detail: string; close: { code: CloseCodeValue; reason: string } }

export interface JudgeInput {
  incoming: IncomingUpdate
  live: LiveDocument
  /** The chain head the entries are chained onto (the live document's, read again if it was unknown). */
  head: ChainHead
  customerId: string
  catalog: PurposeCatalog
  limits: Limits
  resyncs: ResyncBudget
}

/**
 * judge: consent-core's one accept path (acceptUpdate: the rules on the kept shadow, audit records
 * with the actor from the token, chained onto `head`), and what a `pending` verdict becomes: asked
 * for again a bounded number of times, then refused.
 */
export function judge({ incoming, live, head, customerId, catalog, limits, resyncs }: JudgeInput): Judgement {
  const { peer, update, receivedAt } = incoming
  // What every client with nothing new answers to the server's step 1 on each connect: no struct,
  // no deletion. The same verdict the rules give it, without copying the document to judge it on.
  if (isEmptyUpdate(update)) return { kind: 'unchanged' }
  const verdict = acceptUpdate({
    validator: live.judging(),
    head,
    update,
    context: { customerId, user: peer.user, receivedAt, connectionId: peer.id },
    catalog,
    limits,
  })
  if (verdict.ok) return verdict.changed ? { kind: 'accepted', accepted: verdict } : { kind: 'unchanged' }
  const { reason, detail } = verdict
  // The stock client sends local edits as soon as the socket opens, before its step 2 has brought
  // what they build on (offline work): asked for again, its answer carries both.
  if (reason === 'pending' && resyncs.mayAskAgain(peer, verdict.waitingFor ?? '')) return { kind: 'resync' }
  // Bytes that are not a Yjs update are not y-protocols at all (DESIGN.md §10): 4400, not a rule.
  const close =
    reason === 'malformed'
      ? { code: CloseCode.Malformed, reason: `malformed message: ${detail}` }
      : { code: CloseCode.Rejected, reason: closeReason(`${reason}: ${detail}`) }
  return { kind: 'refused', reason, detail, close }
}

/** The one encoding (v1) of an update with nothing in it: zero structs' clients, an empty delete set. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0
}

/** Per connection: how often it was asked for each set of missing changes (keyed by `waitingFor`). */
export class ResyncBudget {
  private readonly asked = new WeakMap<Peer, Map<string, number>>()

  /** Counts one more request for the changes `waitingFor` names; false once they were asked for enough. */
  mayAskAgain(peer: Peer, waitingFor: string): boolean {
    let asked = this.asked.get(peer)
    if (!asked) {
      asked = new Map()
      this.asked.set(peer, asked)
    }
    const tries = asked.get(waitingFor) ?? 0
    if (tries >= MAX_RESYNCS) return false
    asked.delete(waitingFor)
    asked.set(waitingFor, tries + 1)
    if (asked.size > MAX_RESYNC_KEYS) asked.delete(asked.keys().next().value as string)
    return true
  }
}
