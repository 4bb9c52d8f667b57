export type { AwarenessEntry } from './awareness-entries'
export { decodeAwarenessEntries, encodeAwarenessEntries } from './awareness-entries'
export type { CloseCodeValue } from './close-codes'
export { CloseCode, closeReason, isPermanentClose, rejectedRule } from './close-codes'
export type { FrameOptions, Message } from './frames'
export {
  encodeAwareness,
  encodeDurable,
  encodeMessage,
  encodeQueryAwareness,
  encodeRefreshToken,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  writeMessage,
} from './frames'
export type { MessageTypeValue } from './message-type'
export { MessageType, SyncStep } from './message-type'
export type { Parsed, ParsedFrame, ParseOptions } from './parse'
export { parseFrame, parseMessage } from './parse'
export type { StateVector } from './state-vector'
export { decodeStateVector, encodeStateVector, readDurable, readStateVector } from './state-vector'
