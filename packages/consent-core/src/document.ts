import type * as Y from 'yjs'
import { findPurpose, type PurposeCatalog } from './catalog'
import { headsOf } from './fold'
import {
  type Actor,
  type Channel,
  type Decision,
  type DecisionState,
  PROFILE_FIELDS,
  type Profile,
  type ProfileKey,
  ROOT_DECISIONS,
  ROOT_PROFILE,
} from './types'

/** The `decisions` root: an append-only array of plain decision objects (SPEC 1.1). */
export function decisionsOf(doc: Y.Doc): Y.Array<Decision> {
  return doc.getArray<Decision>(ROOT_DECISIONS)
}

/** The `profile` root: the customer's non-consent preferences (SPEC 1.3). */
export function profileOf(doc: Y.Doc): Y.Map<string> {
  return doc.getMap<string>(ROOT_PROFILE)
}

export function readDecisions(doc: Y.Doc): Decision[] {
  return decisionsOf(doc).toArray()
}

export function readProfile(doc: Y.Doc): Profile {
  const out: Record<string, string> = {}
  for (const [key, value] of profileOf(doc).entries()) {
    if (key in PROFILE_FIELDS) out[key] = value
  }
  return out as Profile
}

export interface DecideInput {
  purposeId: string
  state: DecisionState
  actor: Actor
  channel: Channel
  noticeVersion: string
  evidence?: string
  /** Defaults to a random UUID. */
  id?: string
  /** Device time; defaults to now. Shown, never used for order across what an actor saw. */
  at?: string
}

/**
 * Records a decision that supersedes every head of its purpose this replica holds, i.e. what
 * the actor saw when deciding (SPEC 2.1). Throws on an unknown purpose: that is a caller bug.
 */
export function decide(doc: Y.Doc, input: DecideInput, catalog?: PurposeCatalog): Decision {
  if (catalog && !findPurpose(catalog, input.purposeId)) {
    throw new Error(`unknown purpose ${input.purposeId}`)
  }
  const seen = readDecisions(doc).filter((d) => d.purposeId === input.purposeId)
  const decision: Decision = {
    id: input.id ?? globalThis.crypto.randomUUID(),
    purposeId: input.purposeId,
    state: input.state,
    supersedes: headsOf(seen)
      .map((d) => d.id)
      .sort(),
    at: input.at ?? new Date().toISOString(),
    actor: { id: input.actor.id, role: input.actor.role },
    channel: input.channel,
    noticeVersion: input.noticeVersion,
  }
  if (input.evidence !== undefined) decision.evidence = input.evidence
  decisionsOf(doc).push([decision])
  return decision
}

/** Sets one profile preference; the value must be one the schema accepts (SPEC 1.3). */
export function setProfile<K extends ProfileKey>(
  doc: Y.Doc,
  key: K,
  value: (typeof PROFILE_FIELDS)[K][number],
): void {
  profileOf(doc).set(key, value)
}
