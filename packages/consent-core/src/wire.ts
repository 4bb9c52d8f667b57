/**
 * The sync protocol's additions to y-websocket, shared by server and clients (DESIGN.md §5).
 * Close codes 4400–4499 are permanent (the stock client stops reconnecting); the rest are transient.
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
  /** Update rejected by validation; the reason starts with the rule (a RejectReason). */
  Rejected: 4422,
  /** The client did not read what it was sent: its unsent data passed the cap. Transient: it resyncs on reconnect. */
  SlowReader: 4508,
  /** Message flood or too many connections: transient, "try again later". */
  RateLimited: 4529,
  /** Storage failed; nothing was acknowledged. Transient. */
  StorageError: 1011,
  /** Server shutting down or restarting. Transient. */
  Restarting: 1012,
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]

/** Whether a close code tells the client not to reconnect by itself. */
export function isPermanentClose(code: number): boolean {
  return code >= 4400 && code < 4500
}

/** Message types: y-websocket's (0–3) plus two a stock client ignores. */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  /** Server → client: the document's durable state vector, after each accepted update. */
  Durable: 100,
  /** Client → server: a fresh token for this connection, so it outlives the old token's expiry. */
  RefreshToken: 101,
} as const
