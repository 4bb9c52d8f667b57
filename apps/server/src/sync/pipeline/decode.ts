import { MessageType, parseMessage } from '@consent-sync/protocol'

/** A client's frame as the session dispatches it (protocol SPEC 2). */
export type Incoming =
  | { kind: 'step1'; stateVector: Uint8Array }
  /** A sync step 2 or a sync update: both are judged as updates (SPEC 2.1). */
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'query-awareness' }
  | { kind: 'refresh-token'; token: string }
  /** y-protocols auth: read and ignored (SPEC 2.3). */
  | { kind: 'ignored' }
  | { kind: 'malformed'; detail: string }

/**
 * decode, the pipeline's first step: one frame, by the protocol's parser, into what the server
 * does with it. A durable ack is the server's own message: from a client it is malformed (SPEC 2.7).
 */
export function decode(frame: Uint8Array): Incoming {
  const message = parseMessage(frame)
  switch (message.kind) {
    case 'sync-step1':
      return { kind: 'step1', stateVector: message.stateVector }
    case 'sync-step2':
    case 'sync-update':
      return { kind: 'update', update: message.update }
    case 'awareness':
      return { kind: 'awareness', update: message.update }
    case 'query-awareness':
    case 'refresh-token':
    case 'malformed':
      return message
    case 'auth':
      return { kind: 'ignored' }
    case 'durable':
      return { kind: 'malformed', detail: `unknown message type ${MessageType.Durable}` }
  }
}
