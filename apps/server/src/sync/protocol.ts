import { MessageType } from '@consent-sync/consent-core'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

export { MessageType }

const SyncStep1 = 0
const SyncStep2 = 1
const SyncUpdate = 2

export type IncomingMessage =
  | { kind: 'sync-step1'; stateVector: Uint8Array }
  | { kind: 'sync-update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'query-awareness' }
  | { kind: 'auth' }
  | { kind: 'refresh-token'; token: string }
  | { kind: 'malformed'; detail: string }

/** Parses one incoming frame; anything that is not exactly one known message is `malformed`. */
export function parseMessage(data: Uint8Array): IncomingMessage {
  try {
    const decoder = decoding.createDecoder(data)
    const message = readMessage(decoder)
    if (message.kind !== 'malformed' && decoding.hasContent(decoder)) {
      return { kind: 'malformed', detail: 'trailing bytes after the message' }
    }
    return message
  } catch {
    return { kind: 'malformed', detail: 'truncated or undecodable message' }
  }
}

function readMessage(decoder: decoding.Decoder): IncomingMessage {
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.Sync: {
      const sub = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (sub === SyncStep1) return { kind: 'sync-step1', stateVector: payload }
      if (sub === SyncStep2 || sub === SyncUpdate) return { kind: 'sync-update', update: payload }
      return { kind: 'malformed', detail: `unknown sync message ${sub}` }
    }
    case MessageType.Awareness:
      return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) }
    case MessageType.QueryAwareness:
      return { kind: 'query-awareness' }
    case MessageType.Auth:
      // A stock client never sends one; read and ignore it (y-protocols/auth).
      decoding.readVarUint(decoder)
      decoding.readVarString(decoder)
      return { kind: 'auth' }
    case MessageType.RefreshToken:
      return { kind: 'refresh-token', token: decoding.readVarString(decoder) }
    default:
      return { kind: 'malformed', detail: `unknown message type ${type}` }
  }
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, SyncStep1)
    encoding.writeVarUint8Array(e, stateVector)
  })
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, SyncStep2)
    encoding.writeVarUint8Array(e, update)
  })
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, SyncUpdate)
    encoding.writeVarUint8Array(e, update)
  })
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Awareness)
    encoding.writeVarUint8Array(e, update)
  })
}

export function encodeDurable(stateVector: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Durable)
    encoding.writeVarUint8Array(e, stateVector)
  })
}

export function encodeRefreshToken(token: string): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.RefreshToken)
    encoding.writeVarString(e, token)
  })
}
