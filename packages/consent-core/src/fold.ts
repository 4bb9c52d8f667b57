import { findPurpose, type PurposeCatalog } from './catalog'
import type { Actor, Channel, Decision, DecisionState } from './types'

/** The folded state of one purpose (SPEC §3). */
export interface PurposeState {
  purposeId: string
  state: DecisionState
  /** Several heads: people decided concurrently, none seeing the others (SPEC 3.4). */
  conflicted: boolean
  /** Head decisions, the winner first; empty when the catalog default applies. */
  heads: Decision[]
  /** Absent when no decision exists and the catalog default applies. */
  decision?: {
    id: string
    at: string
    actor: Actor
    channel: Channel
    noticeVersion: string
  }
}

/**
 * Winner order among concurrent heads (SPEC 3.4): a withdrawal beats a grant, then the later
 * device time, then the greater id. Returns < 0 when `a` wins.
 */
export function compareHeads(a: Decision, b: Decision): number {
  if (a.state !== b.state) return a.state === 'withdrawn' ? -1 : 1
  const ta = Date.parse(a.at)
  const tb = Date.parse(b.at)
  if (ta !== tb) return tb - ta
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** Heads of one purpose's decisions: those no other decision of it supersedes (SPEC 3.2). */
export function headsOf(decisions: readonly Decision[]): Decision[] {
  const superseded = new Set<string>()
  for (const d of decisions) for (const s of d.supersedes) superseded.add(s)
  // A decision listed twice (a replayed insert) counts once.
  const seen = new Set<string>()
  const heads: Decision[] = []
  for (const d of decisions) {
    if (superseded.has(d.id) || seen.has(d.id)) continue
    seen.add(d.id)
    heads.push(d)
  }
  return heads.length > 1 ? heads.sort(compareHeads) : heads
}

/** Folds one purpose's decisions (in any order) into its current state (SPEC §3). */
export function foldPurpose(
  purposeId: string,
  decisions: readonly Decision[],
  defaultState: DecisionState,
): PurposeState {
  const heads = headsOf(decisions.filter((d) => d.purposeId === purposeId))
  const winner = heads[0]
  if (!winner) return { purposeId, state: defaultState, conflicted: false, heads: [] }
  return {
    purposeId,
    state: winner.state,
    conflicted: heads.length > 1,
    heads,
    decision: {
      id: winner.id,
      at: winner.at,
      actor: winner.actor,
      channel: winner.channel,
      noticeVersion: winner.noticeVersion,
    },
  }
}

/** Folds every catalog purpose, in catalog order (SPEC 3.6). */
export function foldAll(decisions: readonly Decision[], catalog: PurposeCatalog): PurposeState[] {
  const byPurpose = groupByPurpose(decisions)
  return catalog.purposes.map((p) => foldPurpose(p.id, byPurpose.get(p.id) ?? [], p.default))
}

/** Folds one purpose by id, using its catalog default; undefined for an unknown purpose. */
export function foldOne(
  decisions: readonly Decision[],
  catalog: PurposeCatalog,
  purposeId: string,
): PurposeState | undefined {
  const purpose = findPurpose(catalog, purposeId)
  return purpose ? foldPurpose(purposeId, decisions, purpose.default) : undefined
}

export function groupByPurpose(decisions: readonly Decision[]): Map<string, Decision[]> {
  const byPurpose = new Map<string, Decision[]>()
  for (const d of decisions) {
    const list = byPurpose.get(d.purposeId)
    if (list) list.push(d)
    else byPurpose.set(d.purposeId, [d])
  }
  return byPurpose
}
