import type { Language } from '@consent-sync/consent-core'
import type { Translate } from './analyticsText'
import type { Figure } from './analyticsTypes'

/** One table cell, which the chart draws from and the CSV writes: the same value everywhere. */
export interface Cell {
  /** What a person reads (the table, the chart's labels). */
  text: string
  /** The number a chart draws; null when there is none to draw (hidden, absent, or a text cell). */
  value: number | null
  /** A figure withheld because its group is smaller than minGroup: never drawn or written as 0. */
  suppressed: boolean
  /** What the CSV holds: the number as the server gave it, else the text a person reads. */
  csv: string | number | null
}

const LOCALES: Readonly<Record<Language, string>> = { en: 'en-GB', si: 'si-LK', ta: 'ta-LK' }

/** How numbers read in one language; the table, chart and summaries all format through it. */
export interface Figures {
  t: Translate
  minGroup: number
  text(value: string, csv?: string): Cell
  count(value: Figure, suppressed: boolean): Cell
  share(value: Figure, suppressed: boolean): Cell
  hours(value: number | null): Cell
}

export function figuresFor(lang: Language, t: Translate, minGroup: number): Figures {
  const whole = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 0 })
  const percent = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 1 })
  const decimal = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 1 })
  const hidden = (key: 'fewerThan' | 'hiddenShare'): Cell => {
    const text = t(key, { n: minGroup })
    return { text, value: null, suppressed: true, csv: text }
  }
  const none: Cell = { text: t('notAvailable'), value: null, suppressed: false, csv: null }
  return {
    t,
    minGroup,
    text: (value, csv = value) => ({ text: value, value: null, suppressed: false, csv }),
    // A null count is withheld only on a suppressed row; elsewhere there is simply none.
    count: (value, suppressed) =>
      value === null
        ? suppressed
          ? hidden('fewerThan')
          : none
        : { text: whole.format(value), value, suppressed: false, csv: value },
    share: (value, suppressed) =>
      value === null
        ? suppressed
          ? hidden('hiddenShare')
          : none
        : { text: t('percent', { n: percent.format(value * 100) }), value, suppressed: false, csv: value },
    hours: (value) =>
      value === null
        ? none
        : { text: t('hours', { n: decimal.format(value) }), value, suppressed: false, csv: value },
  }
}
