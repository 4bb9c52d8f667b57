/** What the gate needs of an account: whether it is disabled (undefined: no such account here). */
export type AccountLookup = (username: string) => Promise<{ disabled: boolean } | undefined>

/**
 * Refuses the tokens of disabled accounts. A token stays valid until its expiry by signature alone,
 * so every admission and request asks here too; answers are kept `ttlMs` so the sync hot path does
 * not read the store per connection, and `forget` drops one at once when the account changes (on
 * this instance, or on another, told through the fan-out).
 */
export class AccountGate {
  private readonly known = new Map<string, { disabled: boolean; until: number }>()

  constructor(
    private readonly lookup: AccountLookup,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 100_000,
  ) {}

  /** Whether the account `sub` names is disabled (an account this server does not hold is not). */
  async disabled(sub: string): Promise<boolean> {
    const now = this.now()
    const cached = this.known.get(sub)
    if (cached && cached.until > now) return cached.disabled
    const account = await this.lookup(sub)
    const disabled = account?.disabled === true
    if (this.known.size >= this.maxEntries) this.known.clear()
    this.known.set(sub, { disabled, until: now + this.ttlMs })
    return disabled
  }

  /** The account changed: the next question reads it again. */
  forget(sub: string): void {
    this.known.delete(sub)
  }
}
