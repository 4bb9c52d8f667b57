/** Reconnect delay: exponential from `baseMs` to `maxMs`, with "equal jitter" so clients spread out after a restart. */
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 30_000, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16))
  return ceiling / 2 + random() * (ceiling / 2)
}
