import type { Language, PurposeCatalog } from '@consent-sync/consent-core'
import { Field, purposeTitle } from '@consent-sync/ui'
import { useId, useState } from 'react'
import type { AnalyticsTextKey, Translate } from './analyticsText'
import {
  checkRange,
  type DateRange,
  defaultRange,
  MAX_RANGE_DAYS,
  MAX_WITHIN_DAYS,
  parseWithinDays,
  type RangeProblem,
} from './dateRange'

const RANGE_PROBLEMS: Readonly<Record<RangeProblem, AnalyticsTextKey>> = {
  'not-a-day': 'rangeNotDay',
  'from-after-to': 'rangeFromAfterTo',
  'too-long': 'rangeTooLong',
}

interface RangeProps {
  t: Translate
  value: DateRange
  onChange(range: DateRange): void
}

/**
 * The screen's from/to days. What is typed is kept here; the panels get it only once the server
 * would answer it, and until then the refusal is shown at the input to fix.
 */
export function RangeControls({ t, value, onChange }: RangeProps) {
  const id = useId()
  const [draft, setDraft] = useState(value)
  const check = checkRange(draft)
  const set = (next: DateRange) => {
    setDraft(next)
    if (checkRange(next).ok) onChange(next)
  }
  const problem = check.ok ? null : check
  const errorId = `${id}-error`
  const input = (field: keyof DateRange) => (
    <Field id={`${id}-${field}`} label={t(field)}>
      <input
        id={`${id}-${field}`}
        data-testid={`analytics-${field}`}
        className="cs-input"
        type="date"
        required
        value={draft[field]}
        aria-invalid={problem?.field === field ? true : undefined}
        aria-describedby={problem?.field === field ? errorId : undefined}
        onChange={(e) => set({ ...draft, [field]: e.target.value })}
      />
    </Field>
  )
  return (
    <fieldset className="csr-filters csr-analytics-range">
      <legend className="cs-visually-hidden">{t('rangeLegend')}</legend>
      {input('from')}
      {input('to')}
      <button
        type="button"
        className="csr-button csr-button-quiet csr-analytics-reset"
        data-testid="analytics-range-reset"
        onClick={() => set(defaultRange())}
      >
        {t('lastThirtyDays')}
      </button>
      {problem ? (
        <p
          className="cs-error csr-analytics-range-error"
          id={errorId}
          role="alert"
          data-testid="analytics-range-error"
        >
          {t(RANGE_PROBLEMS[problem.reason], { to: draft.to, max: MAX_RANGE_DAYS })} {t('rangeHeld')}
        </p>
      ) : null}
    </fieldset>
  )
}

interface PurposeProps {
  t: Translate
  testId: string
  catalog: PurposeCatalog
  lang: Language
  value: string
  onChange(purposeId: string): void
  /** Offers "All purposes" (''), for the panels where the purpose is optional. */
  allowAll?: boolean
}

export function PurposeSelect({ t, testId, catalog, lang, value, onChange, allowAll = false }: PurposeProps) {
  const id = useId()
  return (
    <Field id={id} label={t('purpose')}>
      <select
        id={id}
        data-testid={testId}
        className="cs-input"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      >
        {allowAll ? <option value="">{t('allPurposes')}</option> : null}
        {catalog.purposes.map((p) => (
          <option key={p.id} value={p.id}>
            {purposeTitle(catalog, p.id, lang)}
            {p.status === 'retired' ? ` (${t('retired')})` : ''}
          </option>
        ))}
      </select>
    </Field>
  )
}

interface WithinProps {
  t: Translate
  value: number
  onChange(days: number): void
}

/** N of "withdrawn within N days of the grant"; the panel asks again once the text is a whole number of days. */
export function WithinDaysInput({ t, value, onChange }: WithinProps) {
  const id = useId()
  const [draft, setDraft] = useState(String(value))
  const bad = parseWithinDays(draft) === null
  return (
    <Field id={id} label={t('withinDays')}>
      <input
        id={id}
        data-testid="analytics-within-days"
        className="cs-input csr-analytics-days"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_WITHIN_DAYS}
        step={1}
        value={draft}
        aria-invalid={bad ? true : undefined}
        aria-describedby={bad ? `${id}-error` : undefined}
        onChange={(e) => {
          setDraft(e.target.value)
          const days = parseWithinDays(e.target.value)
          if (days !== null) onChange(days)
        }}
      />
      {bad ? (
        <p className="cs-error" id={`${id}-error`} role="alert">
          {t('withinDaysBad', { max: MAX_WITHIN_DAYS })}
        </p>
      ) : null}
    </Field>
  )
}
