import { DEFAULT_CATALOG, readDecisions } from '@consent-sync/consent-core'
import {
  CloseCode,
  encodeDurable,
  encodeSyncStep1,
  encodeSyncStep2,
  parseMessage,
} from '@consent-sync/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { ConsentHandle } from './handle'
import { openConsentDoc } from './open'
import { type InPageConnection, inPageTransport } from './transport'

const handles: ConsentHandle[] = []
afterEach(async () => {
  for (const h of handles.splice(0)) await h.destroy()
})

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** A server in the page, in miniature: answers step 1, takes every update, acknowledges it. */
function miniRoom(refuse?: (update: Uint8Array) => string | null) {
  const doc = new Y.Doc()
  const connections: InPageConnection[] = []
  const transport = inPageTransport((c) => {
    connections.push(c)
    c.send(encodeSyncStep1(Y.encodeStateVector(doc)))
    c.onMessage = (bytes) => {
      const m = parseMessage(bytes)
      if (m.kind === 'sync-step1') c.send(encodeSyncStep2(Y.encodeStateAsUpdate(doc, m.stateVector)))
      if (m.kind === 'sync-step2' || m.kind === 'sync-update') {
        const why = refuse?.(m.update)
        if (why) return c.close(CloseCode.Rejected, why)
        Y.applyUpdate(doc, m.update)
        c.send(encodeDurable(Y.encodeStateVector(doc)))
      }
    }
    c.onClose = () => connections.splice(connections.indexOf(c), 1)
  })
  return { doc, transport, connections }
}

function open(transport: ReturnType<typeof inPageTransport>) {
  const handle = openConsentDoc('C-0001', {
    url: 'inpage://demo/sync',
    token: 'customer',
    actor: { id: 'C-0001', role: 'customer' },
    name: 'Nimal',
    catalog: DEFAULT_CATALOG,
    persist: false,
    transport,
  })
  handles.push(handle)
  return handle
}

describe('the in-page transport', () => {
  it('carries a handle to a server in the page: synced, saved on the durable ack, the URL kept', async () => {
    const room = miniRoom()
    const handle = open(room.transport)
    await until(() => handle.store.getState().status === 'saved', 'saved')
    expect(room.connections[0]?.url.pathname).toBe('/sync/C-0001')
    expect(room.connections[0]?.url.searchParams.get('token')).toBe('customer')
    handle.decide({ purposeId: 'marketing-sms', state: 'granted', channel: 'web' })
    expect(handle.store.getState().pending).toBe(1)
    await until(
      () => handle.store.getState().pending === 0 && handle.store.getState().status === 'saved',
      'ack',
    )
    expect(readDecisions(room.doc)).toHaveLength(1)
  })

  it('goes offline and back, and shows a server close of 4422 as the rule broken', async () => {
    const room = miniRoom((update) =>
      Y.decodeUpdate(update).structs.length > 0 ? 'actor-mismatch: not you' : null,
    )
    const handle = open(room.transport)
    await until(() => handle.store.getState().status === 'saved', 'saved')
    handle.goOffline()
    await until(() => room.connections.length === 0, 'server saw the close')
    expect(handle.store.getState().status).toBe('offline')
    handle.decide({ purposeId: 'marketing-email', state: 'granted', channel: 'web' })
    handle.goOnline()
    await until(() => handle.store.getState().problem !== null, 'refused')
    expect(handle.store.getState().problem).toMatchObject({ code: 4422, reason: 'actor-mismatch' })
    expect(readDecisions(room.doc)).toHaveLength(0)
  })

  it('takes a newer catalog without reopening: decisions default to its version, the fold follows it', async () => {
    const room = miniRoom()
    const handle = open(room.transport)
    await until(() => handle.store.getState().status === 'saved', 'saved')
    const doc = handle.doc
    const sms = DEFAULT_CATALOG.purposes.find((p) => p.id === 'marketing-sms')
    if (!sms) throw new Error('no marketing-sms')
    const extra = { ...sms, id: 'marketing-rcs', title: { ...sms.title, en: 'RCS' } }
    handle.setCatalog({
      version: 'next',
      purposes: [
        ...DEFAULT_CATALOG.purposes.map((p) => (p.id === sms.id ? { ...p, version: '2.0' } : p)),
        extra,
      ],
    })
    expect(handle.doc).toBe(doc)
    expect(handle.store.getState().purposes.map((p) => p.purposeId)).toContain('marketing-rcs')
    expect(
      handle.decide({ purposeId: 'marketing-sms', state: 'granted', channel: 'web' }).noticeVersion,
    ).toBe('2.0')
    expect(room.connections).toHaveLength(1)
  })
})
