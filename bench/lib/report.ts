/** Markdown tables: columns of numbers (one per repeat) with ratio columns of their means. */
import type { BundleSize } from './bundles'

const fmt = (v: number | null | undefined, unit: string) => {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a'
  if (unit === 'MB') return (v / 2 ** 20).toFixed(1)
  if (unit === 'KB') return (v / 1024).toFixed(1)
  if (Math.abs(v) >= 100) return String(Math.round(v))
  return String(Math.round(v * 100) / 100)
}

const mean = (xs: (number | null)[] | undefined) => {
  const ok = (xs ?? []).filter((x): x is number => x !== null && !Number.isNaN(x))
  return ok.length ? ok.reduce((s, x) => s + x, 0) / ok.length : null
}

export function bundleTable(sizes: BundleSize[]): string {
  const lines = sizes.map((s) =>
    s.gzipBytes === null
      ? `| ${s.app} | not built | |`
      : `| ${s.app} | ${(s.gzipBytes / 1024).toFixed(1)} KB gzip (${(s.bytes! / 1024).toFixed(0)} KB raw, ${s.files} files) | |`,
  )
  return [
    '| client | JavaScript | offline start to interactive |',
    '|---|---|---|',
    ...lines.map((l) => l.replace('| |', '| see e2e/README.md |')),
  ].join('\n')
}

export interface ColumnRow<K extends string> {
  label: string
  unit: string
  /** Values per column (one per repeat); null = failed or not applicable. */
  values: Partial<Record<K, (number | null)[]>>
}

/** A table with the given columns and ratio columns, each `[label, numerator, denominator]` of column means. */
export function columnTable<K extends string>(
  columns: readonly { key: K; label: string }[],
  ratios: readonly [string, K, K][],
  rows: ColumnRow<K>[],
): string {
  const head = `| metric | unit | ${columns.map((c) => c.label).join(' | ')} | ${ratios.map((r) => r[0]).join(' | ')} |`
  const sep = `|---|---|${columns.map(() => '---:').join('|')}|${ratios.map(() => '---:').join('|')}|`
  const lines = rows.map((r) => {
    const cells = columns.map((c) => {
      const vs = r.values[c.key]
      return vs?.length ? vs.map((v) => fmt(v, r.unit)).join(' / ') : 'n/a'
    })
    const ratioCells = ratios.map(([, a, b]) => {
      const x = mean(r.values[a])
      const y = mean(r.values[b])
      return x !== null && y ? `${(x / y).toFixed(2)}×` : '—'
    })
    return `| ${r.label} | ${r.unit} | ${cells.join(' | ')} | ${ratioCells.join(' | ')} |`
  })
  return [head, sep, ...lines].join('\n')
}
