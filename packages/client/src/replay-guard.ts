/**
 * Remembers the `webhook-id`s a receiver has accepted, so that the same delivery sent again (a
 * replay by someone who captured it, or a retry after a lost answer) is not acted on twice.
 *
 * Memory is bounded twice: ids older than `ttlSeconds` are forgotten, and past `maxEntries` the
 * oldest go first. Verification already refuses deliveries signed outside its tolerance, so a ttl
 * of twice the tolerance (10 minutes by default) covers every delivery that could still pass.
 */
export interface ReplayGuardOptions {
  ttlSeconds: number
  /** Default 100 000 ids. */
  maxEntries?: number
  /** The clock in milliseconds (default `Date.now`). */
  now?: () => number
}

export interface ReplayGuard {
  /** True when `id` was seen within the ttl; otherwise records it and answers false. */
  seen(id: string): boolean
  /** Forgets `id`: call it when handling an accepted delivery failed, so its retry is handled. */
  forget(id: string): void
  /** How many ids are remembered now. */
  readonly size: number
}

export function createReplayGuard(options: ReplayGuardOptions): ReplayGuard {
  const ttl = options.ttlSeconds * 1000
  const maxEntries = options.maxEntries ?? 100_000
  const now = options.now ?? Date.now
  if (!(ttl > 0)) throw new TypeError('ttlSeconds must be positive')
  if (!(maxEntries >= 1)) throw new TypeError('maxEntries must be at least 1')
  // A Map iterates in insertion order, and an id is re-inserted when seen afresh, so the first
  // entries are always the oldest: expiry and eviction only ever look at the front.
  const seenAt = new Map<string, number>()

  function expire(at: number): void {
    for (const [id, time] of seenAt) {
      if (at - time < ttl) break
      seenAt.delete(id)
    }
  }

  return {
    seen(id) {
      const at = now()
      expire(at)
      if (seenAt.has(id)) return true
      seenAt.set(id, at)
      if (seenAt.size > maxEntries) seenAt.delete(seenAt.keys().next().value!)
      return false
    },
    forget(id) {
      seenAt.delete(id)
    },
    get size() {
      return seenAt.size
    },
  }
}
