import type { Decision } from './types'

/**
 * A document's decisions by id and by purpose, kept next to a validator's shadow so an update is
 * judged and audited in time proportional to what it touches, not to the whole record.
 */
export class DecisionIndex {
  private readonly byId = new Map<string, Decision>()
  private readonly byPurpose = new Map<string, Decision[]>()
  /** Per purpose, the decisions nobody supersedes (SPEC 3.2), kept as decisions arrive in any order. */
  private readonly heads = new Map<string, Map<string, Decision>>()
  private readonly superseded = new Set<string>()

  static of(decisions: Iterable<Decision>): DecisionIndex {
    const index = new DecisionIndex()
    for (const d of decisions) index.add(d)
    return index
  }

  get size(): number {
    return this.byId.size
  }

  get(id: string): Decision | undefined {
    return this.byId.get(id)
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  /** The purpose's decisions, in the order they were added. */
  purpose(purposeId: string): readonly Decision[] {
    return this.byPurpose.get(purposeId) ?? []
  }

  /**
   * The purpose's heads: folding them gives what folding all its decisions gives (a superseded
   * decision never becomes a head again), so a fold costs the heads, not the history.
   */
  headsOf(purposeId: string): readonly Decision[] {
    const heads = this.heads.get(purposeId)
    return heads ? [...heads.values()] : []
  }

  add(d: Decision): void {
    if (this.byId.has(d.id)) return
    this.byId.set(d.id, d)
    const list = this.byPurpose.get(d.purposeId)
    if (list) list.push(d)
    else this.byPurpose.set(d.purposeId, [d])
    let heads = this.heads.get(d.purposeId)
    if (!heads) {
      heads = new Map()
      this.heads.set(d.purposeId, heads)
    }
    for (const s of d.supersedes) {
      this.superseded.add(s)
      heads.delete(s)
    }
    if (!this.superseded.has(d.id)) heads.set(d.id, d)
  }
}
