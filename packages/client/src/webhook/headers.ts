/**
 * The request headers as a receiver has them: a fetch `Headers` (or anything with `get`), Node's
 * `IncomingHttpHeaders`, or a plain object whose names may be in any case.
 */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>

/** One header's value, repeated headers joined by a space; undefined when absent. */
export function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers.get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>
  const wanted = name.toLowerCase()
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== wanted) continue
    const value = record[key]
    if (value === undefined) continue
    return typeof value === 'string' ? value : value.join(' ')
  }
  return undefined
}
