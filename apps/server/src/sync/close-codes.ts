/**
 * Close codes of the sync endpoint (DESIGN.md §5). 4400–4499 are permanent (the stock
 * y-websocket client stops reconnecting); everything else is transient and retried.
 */
export const CloseCode = {
  /** Malformed message: not y-protocols. */
  Malformed: 4400,
  /** Missing, invalid or expired token. */
  Unauthorized: 4401,
  /** The user may not open this document. */
  Forbidden: 4403,
  /** No such customer. */
  NotFound: 4404,
  /** Message over the size limit. */
  TooLarge: 4413,
  /** Update rejected by validation; the reason names the rule. */
  Rejected: 4422,
  /** Message flood or too many connections: transient, "try again later". */
  RateLimited: 4529,
  /** Storage failed; nothing was acknowledged. Transient. */
  StorageError: 1011,
  /** Server shutting down or restarting. Transient. */
  Restarting: 1012,
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]

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
