import type { Language, PurposeCatalog } from '@consent-sync/consent-core'
import { LanguageSwitch, purposeTitle } from '@consent-sync/ui'
import { useCallback, useMemo, useState } from 'react'
import { AnalyticsPanel } from './AnalyticsPanel'
import { type AnalyticsFilters, panelPath } from './analyticsQuery'
import { translator } from './analyticsText'
import type {
  AgentsAnswer,
  ChannelsAnswer,
  ConflictsAnswer,
  LifecycleAnswer,
  PurposesAnswer,
  TimeseriesAnswer,
  WithdrawalsAnswer,
} from './analyticsTypes'
import { ConflictList } from './ConflictList'
import { type DateRange, defaultRange } from './dateRange'
import { PurposeSelect, RangeControls, WithinDaysInput } from './panelControls'
import {
  agentsView,
  channelsView,
  conflictsView,
  lifecycleView,
  purposesView,
  timeseriesView,
  type ViewContext,
  withdrawalsView,
} from './panelViews'
import { useLiveRefresh } from './useLiveRefresh'
import './analytics.css'

interface Props {
  catalog: PurposeCatalog
  /** The newest live-feed event's key: the panels refetch (debounced) when it changes. */
  feedKey: string | undefined
}

/**
 * The analytics screen (`#/admin/analytics`, administrators and auditors): consent shares per
 * purpose and over time, decisions by channel, early withdrawals, conflicts, expiry and re-consent,
 * and agents' decisions, each a chart with a table view and a CSV. Figures move as decisions arrive.
 */
export function AnalyticsScreen({ catalog, feedKey }: Props) {
  const [lang, setLang] = useState<Language>('en')
  const t = useMemo(() => translator(lang), [lang])
  const [range, setRange] = useState<DateRange>(() => defaultRange())
  const [picked, setPicked] = useState('')
  // Until someone picks one, the series shows the purpose most customers granted (not an empty one).
  const [busiest, setBusiest] = useState('')
  const followPurposes = useCallback((a: PurposesAnswer) => {
    const top = [...a.purposes].sort((x, y) => (y.granted ?? 0) - (x.granted ?? 0))[0]
    // Chosen once: the chart does not jump to another purpose as the live figures move.
    if (top && (top.granted ?? 0) > 0) setBusiest((was) => was || top.purposeId)
  }, [])
  const [interval, setTimeInterval] = useState<AnalyticsFilters['interval']>('day')
  const [channelsPurpose, setChannelsPurpose] = useState('')
  const [withdrawalsPurpose, setWithdrawalsPurpose] = useState('')
  const [withinDays, setWithinDays] = useState(30)
  const liveTick = useLiveRefresh(feedKey)

  const purposes = catalog.purposes
  const filters: AnalyticsFilters = {
    range,
    timeseriesPurpose: picked || busiest || purposes[0]?.id || '',
    interval,
    channelsPurpose,
    withdrawalsPurpose,
    withinDays,
  }
  const ctx: ViewContext = useMemo(
    () => ({ lang, t, purposeName: (id: string) => purposeTitle(catalog, id, lang) }),
    [lang, t, catalog],
  )
  // Stable per language and catalog: a panel rebuilds its view only when its answer or these change.
  const build = useMemo(
    () => ({
      purposes: (a: PurposesAnswer) => purposesView(a, ctx),
      timeseries: (a: TimeseriesAnswer) => timeseriesView(a, ctx),
      channels: (a: ChannelsAnswer) => channelsView(a, ctx),
      withdrawals: (a: WithdrawalsAnswer) => withdrawalsView(a, ctx),
      conflicts: (a: ConflictsAnswer) => conflictsView(a, ctx),
      lifecycle: (a: LifecycleAnswer) => lifecycleView(a, ctx),
      agents: (a: AgentsAnswer) => agentsView(a, ctx),
    }),
    [ctx],
  )
  const scope = [range.from, range.to]
  const panel = { t, liveTick }

  return (
    <div className="csr-analytics" lang={lang} data-testid="analytics-screen">
      <section className="csr-card" aria-labelledby="analytics-title">
        <div className="csr-card-head">
          <h2 id="analytics-title" className="csr-card-title">
            {t('screenTitle')}
          </h2>
          <LanguageSwitch value={lang} onChange={setLang} />
        </div>
        <p className="cs-muted">{t('screenIntro')}</p>
        <RangeControls t={t} value={range} onChange={setRange} />
      </section>
      <div className="csr-analytics-grid">
        <AnalyticsPanel<PurposesAnswer>
          {...panel}
          id="purposes"
          wide
          title={t('purposesTitle')}
          path={panelPath('purposes', filters)}
          build={build.purposes}
          onAnswer={followPurposes}
          emptyText={t('purposesEmpty')}
          csvScope={[]}
        />
        <AnalyticsPanel<TimeseriesAnswer>
          {...panel}
          id="timeseries"
          wide
          title={t('timeseriesTitle')}
          path={panelPath('timeseries', filters)}
          build={build.timeseries}
          emptyText={t('timeseriesEmpty')}
          idleText={t('timeseriesPick')}
          csvScope={[filters.timeseriesPurpose, interval, ...scope]}
          controls={
            <>
              <PurposeSelect
                t={t}
                testId="analytics-timeseries-purpose"
                catalog={catalog}
                lang={lang}
                value={filters.timeseriesPurpose}
                onChange={setPicked}
              />
              <fieldset className="csr-analytics-interval" data-testid="analytics-interval">
                <legend className="cs-label">{t('interval')}</legend>
                {(['day', 'week'] as const).map((value) => (
                  <label key={value}>
                    <input
                      type="radio"
                      name="analytics-interval"
                      value={value}
                      data-testid={`analytics-interval-${value}`}
                      checked={interval === value}
                      onChange={() => setTimeInterval(value)}
                    />{' '}
                    {t(value === 'day' ? 'intervalDay' : 'intervalWeek')}
                  </label>
                ))}
              </fieldset>
            </>
          }
        />
        <AnalyticsPanel<ChannelsAnswer>
          {...panel}
          id="channels"
          title={t('channelsTitle')}
          path={panelPath('channels', filters)}
          build={build.channels}
          emptyText={t('channelsEmpty')}
          csvScope={[channelsPurpose, ...scope].filter(Boolean)}
          controls={
            <PurposeSelect
              t={t}
              testId="analytics-channels-purpose"
              catalog={catalog}
              lang={lang}
              value={channelsPurpose}
              onChange={setChannelsPurpose}
              allowAll
            />
          }
        />
        <AnalyticsPanel<WithdrawalsAnswer>
          {...panel}
          id="withdrawals"
          title={t('withdrawalsTitle')}
          path={panelPath('withdrawals', filters)}
          build={build.withdrawals}
          emptyText={t('withdrawalsEmpty')}
          csvScope={[withdrawalsPurpose, `${withinDays}d`, ...scope].filter(Boolean)}
          controls={
            <>
              <WithinDaysInput t={t} value={withinDays} onChange={setWithinDays} />
              <PurposeSelect
                t={t}
                testId="analytics-withdrawals-purpose"
                catalog={catalog}
                lang={lang}
                value={withdrawalsPurpose}
                onChange={setWithdrawalsPurpose}
                allowAll
              />
            </>
          }
        />
        <AnalyticsPanel<ConflictsAnswer>
          {...panel}
          id="conflicts"
          title={t('conflictsTitle')}
          path={panelPath('conflicts', filters)}
          build={build.conflicts}
          emptyText={t('conflictsEmpty')}
          csvScope={scope}
          extra={(a) => <ConflictList answer={a} ctx={ctx} />}
        />
        <AnalyticsPanel<LifecycleAnswer>
          {...panel}
          id="lifecycle"
          title={t('lifecycleTitle')}
          path={panelPath('lifecycle', filters)}
          build={build.lifecycle}
          emptyText={t('lifecycleEmpty')}
          csvScope={scope}
        />
        <AnalyticsPanel<AgentsAnswer>
          {...panel}
          id="agents"
          title={t('agentsTitle')}
          path={panelPath('agents', filters)}
          build={build.agents}
          emptyText={t('agentsEmpty')}
          csvScope={scope}
        />
      </div>
    </div>
  )
}
