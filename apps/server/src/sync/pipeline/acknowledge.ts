import { encodeDurable } from '@consent-sync/protocol'
import * as Y from 'yjs'
import type { Peer } from '../peer'

/**
 * acknowledge: the document's durable state vector to the sender (protocol SPEC 2.5), after its
 * update is durable or held nothing new; a client is "saved" once it covers its own clock.
 */
export function acknowledge(peer: Peer, doc: Y.Doc): void {
  if (peer.wantsAck) peer.send(encodeDurable(Y.encodeStateVector(doc)))
}
