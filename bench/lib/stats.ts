/** Latency summaries: percentiles by nearest rank, in milliseconds rounded to 0.01. */
export interface Summary {
  count: number
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
  mean: number | null
}

const round = (n: number) => Math.round(n * 100) / 100

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p: number) => {
    if (sorted.length === 0) return null
    return round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!)
  }
  const mean = sorted.length ? round(sorted.reduce((s, x) => s + x, 0) / sorted.length) : null
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1), mean }
}
