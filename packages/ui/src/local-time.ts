const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
const DATE = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' })

/** A server timestamp as the reader's local time of day (the live feed). */
export function localTimeOfDay(iso: string): string {
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? iso : TIME.format(ms)
}

/** A server timestamp as local date and time of day, apart (the audit table shows them on two lines). */
export function localDateAndTime(iso: string): { date: string; time: string } {
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? { date: iso, time: '' } : { date: DATE.format(ms), time: TIME.format(ms) }
}
