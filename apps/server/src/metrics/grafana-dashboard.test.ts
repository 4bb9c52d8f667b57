import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { stockClient } from '../testing/clients'
import { decideAs } from '../testing/decisions'
import { CSR_1, startTestServer, type TestServer } from '../testing/server'
import { until } from '../testing/until'

// deploy/grafana/consent-sync-dashboard.json against a real server's GET /metrics: every metric a
// panel queries is exposed, with the labels the panel selects or groups by.

const DASHBOARD_PATH = path.resolve(
  import.meta.dirname,
  '../../../../deploy/grafana/consent-sync-dashboard.json',
)

/** Labels Prometheus attaches to every scraped series (the target's), not the server. */
const TARGET_LABELS = new Set(['instance', 'job'])

const METRICS_TOKEN = 'dashboard-test-token-0123456789'

/** The datasource every panel names: Grafana's import substitutes the datasource picked for `DS_PROMETHEUS`. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's placeholder, not a JS template.
const DATASOURCE = { type: 'prometheus', uid: '${DS_PROMETHEUS}' }

interface Target {
  expr?: string
  refId?: string
}
interface Panel {
  id?: number
  type?: string
  title?: string
  datasource?: { type?: string; uid?: string } | string | null
  targets?: Target[]
  fieldConfig?: { defaults?: { thresholds?: { steps?: { color: string; value: number | null }[] } } }
  panels?: Panel[]
}
interface Dashboard {
  __inputs?: { name: string; type: string; pluginId: string }[]
  schemaVersion?: number
  templating?: { list?: { name: string; type: string }[] }
  panels?: Panel[]
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard

/** Every panel, with those inside collapsed rows. */
function allPanels(panels: readonly Panel[] = dashboard.panels ?? []): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])])
}

/** One series name in an expression and the labels the expression uses on it. */
interface Use {
  series: string
  labels: Set<string>
  /** The labels of `{...}` matchers only (target labels included). */
  matchers: string[]
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool'])
const PROMQL_WORDS_CI = new Set(['and', 'or', 'unless', 'offset', 'inf', 'nan'])

/** The series an expression reads, with the labels of its `{...}` matchers and `by (...)` groupings. */
function parseExpr(expr: string): Use[] {
  let rest = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')
  const grouping: string[] = []
  rest = rest.replace(/\b(?:by|without)\s*\(([^)]*)\)/g, (_all, list: string) => {
    grouping.push(
      ...list
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    )
    return ' '
  })
  const uses = new Map<string, Use>()
  const use = (series: string) => {
    const found = uses.get(series) ?? { series, labels: new Set<string>(), matchers: [] }
    uses.set(series, found)
    return found
  }
  rest = rest.replace(
    /([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}/g,
    (_all, metric: string | undefined, body: string) => {
      if (metric === undefined) throw new Error(`a selector without a metric name in ${expr}`)
      const labels = [...body.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1] as string)
      const u = use(metric)
      u.matchers.push(...labels)
      for (const l of labels) u.labels.add(l)
      return ` ${metric} `
    },
  )
  rest = rest.replace(/\[[^\]]*\]/g, ' ')
  for (const m of rest.matchAll(/(?<![\w$:.])([a-zA-Z_:][\w:]*)(?![\w:(]|\s+\()/g)) {
    const name = m[1] as string
    if (!PROMQL_WORDS.has(name) && !PROMQL_WORDS_CI.has(name.toLowerCase())) use(name)
  }
  for (const u of uses.values()) for (const l of grouping) u.labels.add(l)
  return [...uses.values()]
}

/** What a Prometheus text exposition says: family types, help lines, and the labels seen per series. */
function parseScrape(text: string) {
  const types = new Map<string, string>()
  const helped = new Set<string>()
  const seriesLabels = new Map<string, Set<string>>()
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line)
    if (type) types.set(type[1] as string, type[2] as string)
    const help = /^# HELP (\S+)/.exec(line)
    if (help) helped.add(help[1] as string)
    if (line === '' || line.startsWith('#')) continue
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s/.exec(line)
    if (!sample) throw new Error(`unparsable sample line: ${line}`)
    const labels = seriesLabels.get(sample[1] as string) ?? new Set<string>()
    for (const l of (sample[2] ?? '').matchAll(/([a-zA-Z_]\w*)="(?:[^"\\]|\\.)*"/g))
      labels.add(l[1] as string)
    seriesLabels.set(sample[1] as string, labels)
  }
  return { types, helped, seriesLabels }
}
type Scrape = ReturnType<typeof parseScrape>

/** The metric family a series belongs to: histograms' and summaries' `_bucket`/`_sum`/`_count` fold into it. */
function familyOf(series: string, scrape: Scrape): string {
  const suffixed = /^(.*)_(bucket|sum|count)$/.exec(series)
  if (suffixed && !scrape.types.has(series)) {
    const base = suffixed[1] as string
    const type = scrape.types.get(base)
    if (type === 'histogram' || (type === 'summary' && suffixed[2] !== 'bucket')) return base
    // A pending gauge is not a histogram; anything else with such a suffix stays as named.
  }
  return series
}

const uses = allPanels().flatMap((p) =>
  (p.targets ?? []).flatMap((t) => (t.expr ? parseExpr(t.expr).map((u) => ({ ...u, panel: p.title })) : [])),
)

describe('the Grafana dashboard (deploy/grafana/consent-sync-dashboard.json)', () => {
  it('imports into any Grafana: a Prometheus datasource input, schemaVersion >= 38, an $instance variable', () => {
    expect(dashboard.__inputs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
      ]),
    )
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(38)
    expect(dashboard.templating?.list?.map((v) => v.name)).toContain('instance')
  })

  it('gives every panel a title, the input datasource and a unique id; queries on every data panel', () => {
    const panels = allPanels()
    expect(panels.length).toBeGreaterThan(20)
    for (const p of panels) {
      expect(p.title?.trim(), `panel ${p.id}`).toBeTruthy()
      expect(p.datasource, p.title).toEqual(DATASOURCE)
      if (p.type !== 'row' && p.type !== 'text') {
        expect(p.targets?.length, p.title).toBeGreaterThan(0)
        for (const t of p.targets ?? []) expect(t.expr, `${p.title} ${t.refId}`).toBeTruthy()
      }
    }
    const ids = panels.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(
      expect.arrayContaining(['Sync health', 'Commits', 'Webhooks', 'Consent figures']),
    )
  })

  it('filters every series by the $instance variable', () => {
    for (const u of uses) expect(u.matchers, `${u.panel}: ${u.series}`).toContain('instance')
  })

  it('carries example alert thresholds on commit latency and open conflicts, and explains suppressed shares', () => {
    for (const metric of ['consent_sync_commit_seconds_bucket', 'consent_sync_consent_open_conflicts']) {
      const panel = allPanels().find((p) => p.targets?.some((t) => t.expr?.includes(metric)))
      const steps = panel?.fieldConfig?.defaults?.thresholds?.steps ?? []
      expect(steps.filter((s) => s.value !== null).length, metric).toBeGreaterThan(0)
    }
    const text = JSON.stringify(allPanels().filter((p) => p.type === 'text'))
    expect(text).toContain('consent_sync_consent_granted_share')
    expect(text).toContain('k-anonymity')
  })

  it('reads its expressions as intended (the parser the scrape check relies on)', () => {
    expect(
      parseExpr(
        'histogram_quantile(0.99, sum by (le) (rate(consent_sync_commit_seconds_bucket{instance=~"$instance"}[$__rate_interval])))',
      ),
    ).toEqual([
      {
        series: 'consent_sync_commit_seconds_bucket',
        labels: new Set(['instance', 'le']),
        matchers: ['instance'],
      },
    ])
    expect(
      parseExpr('sum(rate(a_sum{instance=~"x"}[5m])) / sum(rate(a_count{instance=~"x"}[5m])) or b').map(
        (u) => u.series,
      ),
    ).toEqual(['a_sum', 'a_count', 'b'])
  })
})

describe('the dashboard against a real /metrics scrape', () => {
  let server: TestServer
  let scrape: Scrape
  let registered: (family: string) => string[] | undefined

  beforeAll(async () => {
    server = await startTestServer({ env: { METRICS_TOKEN } })
    // Some traffic, so the sync series have samples: one agent connected, one decision accepted.
    const client = stockClient(server.syncUrl, 'C-0001', server.token(CSR_1))
    await client.synced()
    decideAs(client.doc, CSR_1, 'marketing-sms', 'granted', { evidence: 'call 1' })
    await until(
      async () => ((await server.ctx.metrics.updatesAccepted.get()).values[0]?.value ?? 0) >= 1,
      5000,
      'the decision accepted',
    )
    const res = await fetch(server.url('/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(res.status).toBe(200)
    scrape = parseScrape(await res.text())
    client.destroy()
    registered = (family) => {
      const metric = server.ctx.metrics.registry.getSingleMetric(family) as
        | { labelNames?: string[] }
        | undefined
      return metric ? [...(metric.labelNames ?? [])] : undefined
    }
    return () => server.cleanup()
  })

  it('exposes every metric a panel queries (# HELP and # TYPE), pending consent gauges aside', () => {
    const families = [...new Set(uses.map((u) => familyOf(u.series, scrape)))].sort()
    expect(families.length).toBeGreaterThan(20)
    const missing: string[] = []
    for (const family of families) {
      if (scrape.helped.has(family) && scrape.types.has(family)) continue
      missing.push(family)
    }
    expect(missing, 'metrics in the dashboard that /metrics does not expose').toEqual([])
  })

  it('uses only labels the metrics have', () => {
    const wrong: string[] = []
    for (const u of uses) {
      const family = familyOf(u.series, scrape)
      const sampled = scrape.seriesLabels.get(u.series)
      // Labelled series appear only once set; until then, the labels the metric declares.
      const declared = registered(family)
      const histogram = scrape.types.get(family) === 'histogram'
      const known =
        sampled ??
        (declared && new Set([...declared, ...(histogram && u.series.endsWith('_bucket') ? ['le'] : [])]))
      if (!known) {
        wrong.push(`${u.panel}: ${u.series} has neither samples nor a registered metric`)
        continue
      }
      for (const label of u.labels) {
        if (!TARGET_LABELS.has(label) && !known.has(label))
          wrong.push(
            `${u.panel}: ${u.series} has no label "${label}" (has ${[...known].join(', ') || 'none'})`,
          )
      }
    }
    expect(wrong).toEqual([])
  })

  it('has a panel for every consent_sync_ metric the server exposes', () => {
    const used = new Set(uses.map((u) => familyOf(u.series, scrape)))
    const exposed = [...scrape.types.keys()].filter((f) => f.startsWith('consent_sync_'))
    expect(exposed.length).toBeGreaterThan(10)
    expect(exposed.filter((f) => !used.has(f))).toEqual([])
  })
})
