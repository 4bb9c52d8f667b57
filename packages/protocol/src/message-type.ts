/** Message types: y-websocket's (0–3) and the two consent-sync adds, which a stock client ignores (SPEC 2). */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  /** Server → client: the document's durable state vector (SPEC 2.5). */
  Durable: 100,
  /** Client → server: a fresh token for this connection (SPEC 2.6). */
  RefreshToken: 101,
} as const

export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType]

/** Sub-types of a sync message (y-protocols sync, SPEC 2.1). */
export const SyncStep = {
  Step1: 0,
  Step2: 1,
  Update: 2,
} as const
