import { findPurpose, isPublishedVersion, isRetired, type PurposeCatalog } from './catalog'
import type { DecisionIndex } from './decision-index'
import { foldOne } from './fold'
import type { Limits } from './limits'
import { type ActorRole, CHANNELS_BY_ROLE, type ConnectionUser, type Decision } from './types'
import { type Rejected, reject } from './validation-result'

export function judgeDecisions(
  added: readonly Decision[],
  held: DecisionIndex,
  user: ConnectionUser,
  role: ActorRole,
  catalog: PurposeCatalog,
): Rejected | null {
  const addedById = new Map<string, Decision>()
  for (const d of added) {
    if (held.has(d.id) || addedById.has(d.id))
      return reject('duplicate-id', `decision id ${d.id} is used twice`)
    addedById.set(d.id, d)
  }
  const lookup = (id: string) => addedById.get(id) ?? held.get(id)
  for (const d of added) {
    if (d.actor.id !== user.id || d.actor.role !== role) {
      return reject(
        'actor-mismatch',
        `decision ${d.id} names actor ${d.actor.role}:${d.actor.id}, not the signed-in user`,
      )
    }
    if (!CHANNELS_BY_ROLE[role].includes(d.channel)) {
      return reject('bad-channel', `a ${role} may not record a decision through channel "${d.channel}"`)
    }
    const purpose = findPurpose(catalog, d.purposeId)
    if (!purpose) return reject('unknown-purpose', `purpose "${d.purposeId}" is not in the catalog`)
    if (!isPublishedVersion(purpose, d.noticeVersion)) {
      return reject(
        'unknown-notice-version',
        `notice version "${d.noticeVersion}" of purpose "${d.purposeId}" was never published`,
      )
    }
    // SPEC 2.15: a retired purpose takes no new grant; withdrawing stays possible.
    if (d.state === 'granted' && isRetired(purpose)) {
      return reject('purpose-retired', `purpose "${d.purposeId}" is retired: it takes withdrawals only`)
    }
    if (role === 'customer' && d.evidence !== undefined) {
      return reject('evidence-not-allowed', 'only an agent records evidence')
    }
    const seen = new Set<string>()
    for (const s of d.supersedes) {
      const target = lookup(s)
      if (s === d.id || seen.has(s))
        return reject('bad-supersedes', `decision ${d.id} lists ${s} twice or itself`)
      seen.add(s)
      if (!target)
        return reject('bad-supersedes', `decision ${d.id} supersedes ${s}, which the document does not hold`)
      if (target.purposeId !== d.purposeId) {
        return reject('bad-supersedes', `decision ${d.id} supersedes ${s}, a decision on another purpose`)
      }
    }
  }
  return findCycle(added, addedById)
}

/**
 * SPEC 2.12: past `maxDocumentBytes` a record takes only withdrawals that change something (a
 * granted or conflicted purpose), up to the hard ceiling: withdrawing must always be possible,
 * and refusing grants there means the headroom cannot be filled with decisions that change nothing.
 */
export function judgeAtLimit(
  added: readonly Decision[],
  held: DecisionIndex,
  profile: Record<string, string>,
  deletes: number,
  documentBytes: number,
  catalog: PurposeCatalog,
  limits: Limits,
): Rejected | null {
  const ceiling = limits.maxDocumentBytes + limits.withdrawalHeadroomBytes
  const full = `the record has reached its size limit of ${limits.maxDocumentBytes} bytes`
  if (documentBytes > ceiling) return reject('document-full', `${full} and its headroom for withdrawals`)
  if (added.length === 0 || Object.keys(profile).length > 0 || deletes > 0) {
    return reject('document-full', `${full}: it takes only withdrawals now`)
  }
  const seen = new Map<string, Decision[]>()
  for (const d of added) {
    const before = seen.get(d.purposeId) ?? [...held.headsOf(d.purposeId)]
    seen.set(d.purposeId, before)
    if (d.state !== 'withdrawn') return reject('document-full', `${full}: it takes only withdrawals now`)
    const state = foldOne(before, catalog, d.purposeId)
    if (state && state.state === 'withdrawn' && !state.conflicted) {
      return reject('document-full', `${full}: purpose "${d.purposeId}" is withdrawn already`)
    }
    before.push(d)
  }
  return null
}

/** SPEC 2.10: supersedes must not loop, or a purpose would be left with no head at all. */
function findCycle(added: readonly Decision[], byId: ReadonlyMap<string, Decision>): Rejected | null {
  // byId holds the new decisions only: held ones were accepted acyclic and cannot point at new ones.
  const state = new Map<string, 'visiting' | 'done'>()
  const newIds = new Set(added.map((d) => d.id))
  const visit = (id: string): boolean => {
    const s = state.get(id)
    if (s === 'done') return false
    if (s === 'visiting') return true
    state.set(id, 'visiting')
    for (const next of byId.get(id)?.supersedes ?? []) {
      // Stored decisions were accepted acyclic and cannot point at new ones.
      if (newIds.has(next) && visit(next)) return true
    }
    state.set(id, 'done')
    return false
  }
  for (const d of added) {
    if (visit(d.id)) return reject('bad-supersedes', `decision ${d.id} is part of a supersedes cycle`)
  }
  return null
}
