import * as decoding from 'lib0/decoding'
import type { Message } from './frames'
import { MessageType, SyncStep } from './message-type'

export type Parsed = Message | { kind: 'malformed'; detail: string }

/** Hocuspocus's own message types, read by the benchmark's client only (SPEC 1.2). */
const HocuspocusSyncReply = 4
const HocuspocusSyncStatus = 8

export interface ParseOptions {
  /** Read Hocuspocus's framing: a document name first, and its sync reply and status messages. */
  hocuspocus?: boolean
}

/** Hocuspocus's "update applied" status, whose payload the benchmark does not need. */
export type ParsedFrame = Parsed | { kind: 'hocuspocus-status' }

/**
 * Parses one frame; anything that is not exactly one known message is `malformed` (SPEC 1.1,
 * 2.7). Never throws. Which side may send which kind is the receiver's to check.
 */
export function parseMessage(data: Uint8Array): Parsed {
  const parsed = parseFrame(data)
  return parsed.kind === 'hocuspocus-status'
    ? { kind: 'malformed', detail: 'unknown message type 8' }
    : parsed
}

/** {@link parseMessage}, optionally in Hocuspocus's dialect. */
export function parseFrame(data: Uint8Array, options: ParseOptions = {}): ParsedFrame {
  try {
    const decoder = decoding.createDecoder(data)
    if (options.hocuspocus) decoding.readVarString(decoder)
    const message = readMessage(decoder, options.hocuspocus === true)
    if (message.kind !== 'malformed' && decoding.hasContent(decoder)) {
      return { kind: 'malformed', detail: 'trailing bytes after the message' }
    }
    return message
  } catch {
    return { kind: 'malformed', detail: 'truncated or undecodable message' }
  }
}

function readSync(decoder: decoding.Decoder): Parsed {
  const sub = decoding.readVarUint(decoder)
  const payload = decoding.readVarUint8Array(decoder)
  if (sub === SyncStep.Step1) return { kind: 'sync-step1', stateVector: payload }
  if (sub === SyncStep.Step2) return { kind: 'sync-step2', update: payload }
  if (sub === SyncStep.Update) return { kind: 'sync-update', update: payload }
  return { kind: 'malformed', detail: `unknown sync message ${sub}` }
}

function readMessage(decoder: decoding.Decoder, hocuspocus: boolean): ParsedFrame {
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.Sync:
      return readSync(decoder)
    case MessageType.Awareness:
      return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) }
    case MessageType.QueryAwareness:
      return { kind: 'query-awareness' }
    case MessageType.Auth: {
      const sub = decoding.readVarUint(decoder)
      return { kind: 'auth', sub, text: decoding.readVarString(decoder) }
    }
    case MessageType.Durable:
      return { kind: 'durable', stateVector: decoding.readVarUint8Array(decoder) }
    case MessageType.RefreshToken:
      return { kind: 'refresh-token', token: decoding.readVarString(decoder) }
    case HocuspocusSyncReply:
      if (hocuspocus) return readSync(decoder)
      break
    case HocuspocusSyncStatus:
      if (!hocuspocus) break
      decoder.pos = decoder.arr.length
      return { kind: 'hocuspocus-status' }
  }
  return { kind: 'malformed', detail: `unknown message type ${type}` }
}
