/**
 * Close codes and their meaning (SPEC 3). Following the stock client's convention (y-websocket
 * 3.1): 4400–4499 are permanent, the client stops reconnecting; every other code is transient.
 */
export const CloseCode = {
  /** Not y-protocols: undecodable, unknown type, trailing bytes, a text frame. */
  Malformed: 4400,
  /** Missing, invalid or expired token; a refresh with another user's token. */
  Unauthorized: 4401,
  /** The user may not open this document, or the page's origin is not allowed. */
  Forbidden: 4403,
  /** No such customer. */
  NotFound: 4404,
  /** A message, or one presence state, over its size limit. */
  TooLarge: 4413,
  /** An update rejected by validation; the reason starts with the rule (SPEC 3.3). */
  Rejected: 4422,
  /** The client did not read what it was sent: its unsent data passed the cap. It resyncs on reconnect. */
  SlowReader: 4508,
  /** Message flood, too many connections, or too much sent before the connection was ready: try again later. */
  RateLimited: 4529,
  /** Storage failed; nothing was acknowledged. */
  StorageError: 1011,
  /** The server is shutting down or restarting, or the document was unloaded. */
  Restarting: 1012,
  /** Something the server depends on (the identity provider's keys) is unreachable: try again later. */
  TryAgainLater: 1013,
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]

/** Whether a close code tells the client not to reconnect by itself (SPEC 3.1). */
export function isPermanentClose(code: number): boolean {
  return code >= 4400 && code < 4500
}

const utf8 = new TextEncoder()

/** A close reason that fits the 123 bytes of UTF-8 a close frame allows, cut at a character (SPEC 3.2). */
export function closeReason(text: string): string {
  if (utf8.encode(text).byteLength <= 123) return text
  let out = ''
  for (const ch of text) {
    if (utf8.encode(`${out}${ch}…`).byteLength > 123) break
    out += ch
  }
  return `${out}…`
}

/** The rule a 4422 close names: the reason up to its first colon (SPEC 3.3). */
export function rejectedRule(reason: string): string {
  const rule = reason.split(':')[0]?.trim()
  return rule ? rule : 'rejected'
}
