import * as encoding from 'lib0/encoding'
import { MessageType, SyncStep } from './message-type'

/** Every message consent-sync speaks or reads (SPEC 2). Payloads are the encoded Yjs/y-protocols bytes. */
export type Message =
  | { kind: 'sync-step1'; stateVector: Uint8Array }
  | { kind: 'sync-step2'; update: Uint8Array }
  | { kind: 'sync-update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'query-awareness' }
  /** y-protocols auth (the server reads and ignores it); Hocuspocus sends its token this way (sub-type 0). */
  | { kind: 'auth'; sub: number; text: string }
  | { kind: 'durable'; stateVector: Uint8Array }
  | { kind: 'refresh-token'; token: string }

export interface FrameOptions {
  /** Hocuspocus's framing: the document name before the message (SPEC 1.2). consent-sync never uses it. */
  documentName?: string
}

/** Writes one message into an encoder (the y-websocket provider's message handlers hand one out). */
export function writeMessage(e: encoding.Encoder, message: Message): void {
  switch (message.kind) {
    case 'sync-step1':
      encoding.writeVarUint(e, MessageType.Sync)
      encoding.writeVarUint(e, SyncStep.Step1)
      encoding.writeVarUint8Array(e, message.stateVector)
      return
    case 'sync-step2':
      encoding.writeVarUint(e, MessageType.Sync)
      encoding.writeVarUint(e, SyncStep.Step2)
      encoding.writeVarUint8Array(e, message.update)
      return
    case 'sync-update':
      encoding.writeVarUint(e, MessageType.Sync)
      encoding.writeVarUint(e, SyncStep.Update)
      encoding.writeVarUint8Array(e, message.update)
      return
    case 'awareness':
      encoding.writeVarUint(e, MessageType.Awareness)
      encoding.writeVarUint8Array(e, message.update)
      return
    case 'query-awareness':
      encoding.writeVarUint(e, MessageType.QueryAwareness)
      return
    case 'auth':
      encoding.writeVarUint(e, MessageType.Auth)
      encoding.writeVarUint(e, message.sub)
      encoding.writeVarString(e, message.text)
      return
    case 'durable':
      encoding.writeVarUint(e, MessageType.Durable)
      encoding.writeVarUint8Array(e, message.stateVector)
      return
    case 'refresh-token':
      encoding.writeVarUint(e, MessageType.RefreshToken)
      encoding.writeVarString(e, message.token)
      return
  }
}

/** One WebSocket frame holding exactly one message (SPEC 1.1). */
export function encodeMessage(message: Message, options: FrameOptions = {}): Uint8Array<ArrayBuffer> {
  const e = encoding.createEncoder()
  if (options.documentName !== undefined) encoding.writeVarString(e, options.documentName)
  writeMessage(e, message)
  return encoding.toUint8Array(e)
}

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array<ArrayBuffer> =>
  encodeMessage({ kind: 'sync-step1', stateVector })
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array<ArrayBuffer> =>
  encodeMessage({ kind: 'sync-step2', update })
export const encodeSyncUpdate = (update: Uint8Array): Uint8Array<ArrayBuffer> =>
  encodeMessage({ kind: 'sync-update', update })
export const encodeAwareness = (update: Uint8Array): Uint8Array<ArrayBuffer> =>
  encodeMessage({ kind: 'awareness', update })
export const encodeQueryAwareness = (): Uint8Array<ArrayBuffer> => encodeMessage({ kind: 'query-awareness' })
export const encodeDurable = (stateVector: Uint8Array): Uint8Array<ArrayBuffer> =>
  encodeMessage({ kind: 'durable', stateVector })
export const encodeRefreshToken = (token: string): Uint8Array<ArrayBuffer> =>
  encodeMessage({ kind: 'refresh-token', token })
