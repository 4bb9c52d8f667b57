/**
 * A client breaking the rules on purpose: a customer's connection writing a decision in an
 * agent's name (actor-mismatch). Each attempt must be closed with 4422 and never reach the
 * document, under the same faults as everyone else.
 */
import { DEFAULT_CATALOG, decide, findPurpose } from '@consent-sync/consent-core'
import { CloseCode } from '@consent-sync/protocol'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

export interface ForgeryOutcome {
  id: string
  /** Whether the server closed the connection with 4422. */
  rejected: boolean
  /** The forger never got synced (server down): nothing was sent. */
  skipped: boolean
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 20))
  }
  return true
}

export async function forge(url: string, customerId: string, token: string): Promise<ForgeryOutcome> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, customerId, doc, {
    // biome-ignore lint/suspicious/noExplicitAny: the ws package stands in for the browser's WebSocket.
    WebSocketPolyfill: WebSocket as any,
    params: { token, ack: '0' },
    disableBc: true,
  })
  let closedWith: number | undefined
  provider.on('connection-close', (event) => {
    if (event && closedWith === undefined) closedWith = event.code
  })
  try {
    if (!(await waitFor(() => provider.synced, 5000))) return { id: '', rejected: false, skipped: true }
    closedWith = undefined
    // An agent's phone decision, with evidence: valid from csr1, forged on a customer's connection.
    const purposeId = 'partner-sharing'
    const forged = decide(doc, {
      purposeId,
      state: 'granted',
      actor: { id: 'csr1', role: 'csr' },
      channel: 'phone',
      noticeVersion: findPurpose(DEFAULT_CATALOG, purposeId)!.version,
      evidence: 'forged by the soak',
    })
    await waitFor(() => closedWith !== undefined, 10_000)
    return { id: forged.id, rejected: closedWith === CloseCode.Rejected, skipped: false }
  } finally {
    provider.destroy()
    doc.destroy()
  }
}
