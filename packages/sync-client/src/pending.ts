import { type Decision, decisionsOf } from '@consent-sync/consent-core'
import type * as Y from 'yjs'

/** Decisions in the document whose Yjs item the durable state vector does not yet cover. */
export function countPendingDecisions(doc: Y.Doc, durable: ReadonlyMap<number, number>): number {
  let pending = 0
  let item = decisionsOf(doc)._start
  while (item !== null) {
    if (!item.deleted && item.countable) {
      const covered = durable.get(item.id.client) ?? 0
      pending += Math.min(item.length, Math.max(0, item.id.clock + item.length - covered))
    }
    item = item.right
  }
  return pending
}

/** Purposes of the decisions the durable state vector does not yet cover, sorted ("waiting to sync" on a row). */
export function pendingPurposes(doc: Y.Doc, durable: ReadonlyMap<number, number>): string[] {
  const out = new Set<string>()
  let item = decisionsOf(doc)._start
  while (item !== null) {
    const covered = (durable.get(item.id.client) ?? 0) - item.id.clock
    if (!item.deleted && item.countable && covered < item.length) {
      const decisions = item.content.getContent() as Decision[]
      for (const d of decisions.slice(Math.max(0, covered))) out.add(d.purposeId)
    }
    item = item.right
  }
  return [...out].sort()
}

/** Whether everything the document holds is durable on the server. */
export function allDurable(
  stateVector: ReadonlyMap<number, number>,
  durable: ReadonlyMap<number, number>,
): boolean {
  for (const [client, clock] of stateVector) if ((durable.get(client) ?? 0) < clock) return false
  return true
}

/** Merges a newer durable state vector into the known one (per client, the larger clock). */
export function mergeDurable(known: Map<number, number>, incoming: ReadonlyMap<number, number>): boolean {
  let grew = false
  for (const [client, clock] of incoming) {
    if ((known.get(client) ?? 0) < clock) {
      known.set(client, clock)
      grew = true
    }
  }
  return grew
}
