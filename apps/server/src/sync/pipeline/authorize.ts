import type { IncomingUpdate } from './incoming-update'

/**
 * authorize: whether a queued update is judged at all. Who may open which document was decided
 * at admission (sync/admission.ts) and who may write what is a rule of the judgement; here, a
 * connection that was closed (a rejected or failed update closes it) has what it sent after dropped.
 */
export function authorize({ peer }: IncomingUpdate): boolean {
  return !peer.closed
}
