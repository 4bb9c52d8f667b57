export type { CloseCodeValue } from '@consent-sync/consent-core'
export { CloseCode } from '@consent-sync/consent-core'

const encoder = new TextEncoder()

/** A close reason fits 123 bytes of UTF-8 (RFC 6455 §5.5); longer ones are cut at a character. */
export function closeReason(text: string): string {
  if (encoder.encode(text).byteLength <= 123) return text
  let out = ''
  for (const ch of text) {
    if (encoder.encode(`${out}${ch}…`).byteLength > 123) break
    out += ch
  }
  return `${out}…`
}
