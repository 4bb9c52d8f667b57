import type { Decision } from './types'

/**
 * A document's decisions by id and by purpose, kept next to a validator's shadow so an update is
 * judged and audited in time proportional to what it touches, not to the whole record.
 */
export class DecisionIndex {
  private readonly byId = new Map<string, Decision>()
  private readonly byPurpose = new Map<string, Decision[]>()

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

  add(d: Decision): void {
    if (this.byId.has(d.id)) return
    this.byId.set(d.id, d)
    const list = this.byPurpose.get(d.purposeId)
    if (list) list.push(d)
    else this.byPurpose.set(d.purposeId, [d])
  }
}
