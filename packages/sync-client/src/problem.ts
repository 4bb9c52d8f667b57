import { CloseCode, rejectedRule } from '@consent-sync/protocol'
import type { SyncProblem } from './state'

const MESSAGES: Record<number, string> = {
  [CloseCode.Unauthorized]: 'Your session has ended. Sign in again; your changes are kept on this device.',
  [CloseCode.Forbidden]: 'You may not open this record.',
  [CloseCode.NotFound]: 'There is no such customer.',
  [CloseCode.TooLarge]: 'A change was too large to send.',
  [CloseCode.Malformed]: 'The server could not read a message from this device.',
}

/** What a person should read about a permanent close (4400–4499), and which rule a 4422 names. */
export function problemOf(code: number, reason: string): SyncProblem {
  if (code === CloseCode.Rejected) {
    return {
      code,
      reason: rejectedRule(reason),
      message: `The server refused a change from this device (${reason}). Discard this device's unsaved changes to go on.`,
    }
  }
  return {
    code,
    reason: 'refused',
    message: MESSAGES[code] ?? `The server closed the connection: ${reason || code}.`,
  }
}
