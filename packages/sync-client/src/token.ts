/** The `exp` claim (seconds since the epoch) of a JWT, without verifying it; undefined if absent. */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1]
  if (!payload) return undefined
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const exp = (JSON.parse(json) as { exp?: unknown }).exp
    return typeof exp === 'number' ? exp : undefined
  } catch {
    return undefined
  }
}

/** Milliseconds until a token should be refreshed: a minute before expiry, or at 80% of a short life. */
export function refreshDelay(token: string, now = Date.now()): number | undefined {
  const exp = tokenExpiry(token)
  if (exp === undefined) return undefined
  const left = exp * 1000 - now
  return Math.max(0, Math.min(left - 60_000, left * 0.8))
}
