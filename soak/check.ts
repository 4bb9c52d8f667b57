/**
 * The end of a soak: wait (bounded) until every replica and a fresh reader of the server agree,
 * then check each promise: converged, nothing acknowledged lost, nothing pending, the audit
 * chain verifies and re-derives from the stored updates, the server still serves.
 */
import { DEFAULT_CATALOG, foldAll, readDecisions } from '@consent-sync/consent-core'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { MadeDecision, Rejection, SoakClient } from './clients'
import { runVerify, type ServerProcess } from './server-process'

export interface FinalCheck {
  converged: boolean
  /** From the end of the final steady window to every replica agreeing with a fresh reader. */
  convergeMs: number
  replicas: number
  /** Replicas that differ from the server's copy, and in what. */
  mismatches: string[]
  /** Acknowledged decisions the server's document does not hold. */
  lostIds: string[]
  /** Decisions made (and not acknowledged) that never reached the server. */
  unsaved: string[]
  /** Decisions in the server's document that no soak client made. */
  unknownInServer: string[]
  duplicateIds: number
  serverDecisions: number
  /** Clients with pending changes, an unacknowledged decision or a problem at the end. */
  unsettled: string[]
  readyz: boolean
  sigtermExitCode: number | null
  verify: { code: number | null; summary: string }
}

interface CheckInput {
  server: ServerProcess
  clients: SoakClient[]
  made: MadeDecision[]
  acked: Map<string, MadeDecision>
  rejections: Rejection[]
  faultsStoppedAt: number
  convergeTimeoutMs: number
  log: (line: string) => void
}

const svKey = (doc: Y.Doc) =>
  JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((a, b) => a[0] - b[0]))
const foldKey = (doc: Y.Doc) => JSON.stringify(foldAll(readDecisions(doc), DEFAULT_CATALOG))
const idsKey = (doc: Y.Doc) =>
  JSON.stringify(
    readDecisions(doc)
      .map((d) => d.id)
      .sort(),
  )

function describe(client: SoakClient): string {
  return `${client.spec.name}: settled=${client.settled()} pending=${client.pending()} unacked=${client.unacked()} problem=${client.problem() ?? '-'}`
}

export async function finalCheck(input: CheckInput): Promise<FinalCheck> {
  const { server, clients } = input
  const token = await server.login('csr1')
  const customerIds = [...new Set(clients.map((c) => c.spec.customerId))].sort()
  // Fresh readers straight to the server (no proxy): the server's copy of each document.
  const readers = new Map<string, { doc: Y.Doc; provider: WebsocketProvider }>()
  for (const id of customerIds) {
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}/sync`, id, doc, {
      // biome-ignore lint/suspicious/noExplicitAny: the ws package stands in for the browser's WebSocket.
      WebSocketPolyfill: WebSocket as any,
      params: { token, ack: '0' },
      disableBc: true,
    })
    readers.set(id, { doc, provider })
  }
  const agrees = (c: SoakClient) => {
    const reader = readers.get(c.spec.customerId)
    return reader !== undefined && svKey(reader.doc) === svKey(c.doc)
  }
  let converged = false
  const deadline = Date.now() + input.convergeTimeoutMs
  for (;;) {
    const readersSynced = [...readers.values()].every((r) => r.provider.synced)
    if (readersSynced && clients.every((c) => c.settled() && agrees(c))) {
      converged = true
      break
    }
    if (Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const convergeMs = Date.now() - input.faultsStoppedAt
  if (!converged) {
    input.log(`NOT converged within ${input.convergeTimeoutMs} ms:`)
    for (const c of clients) if (!c.settled() || !agrees(c)) input.log(`  ${describe(c)} agrees=${agrees(c)}`)
  } else input.log(`converged ${convergeMs} ms after the steady window`)

  const mismatches: string[] = []
  for (const c of clients) {
    const reader = readers.get(c.spec.customerId)
    if (!reader) continue
    const differs: string[] = []
    if (svKey(c.doc) !== svKey(reader.doc)) differs.push('state vector')
    if (idsKey(c.doc) !== idsKey(reader.doc)) differs.push('decision ids')
    if (foldKey(c.doc) !== foldKey(reader.doc)) differs.push('fold')
    if (Buffer.compare(Y.encodeStateAsUpdate(c.doc), Y.encodeStateAsUpdate(reader.doc)) !== 0)
      differs.push('encoded state')
    if (differs.length > 0) mismatches.push(`${c.spec.name}: ${differs.join(', ')}`)
  }

  const serverIds = new Map<string, Set<string>>()
  let duplicateIds = 0
  let serverDecisions = 0
  for (const [id, reader] of readers) {
    const ids = readDecisions(reader.doc).map((d) => d.id)
    serverDecisions += ids.length
    const set = new Set(ids)
    duplicateIds += ids.length - set.size
    serverIds.set(id, set)
  }
  const inServer = (d: MadeDecision) => serverIds.get(d.customerId)?.has(d.id) === true
  const lostIds = [...input.acked.values()].filter((d) => !inServer(d)).map((d) => d.id)
  const unsaved = input.made.filter((d) => !input.acked.has(d.id) && !inServer(d)).map((d) => d.id)
  const madeIds = new Set(input.made.map((d) => d.id))
  const unknownInServer = [...serverIds.values()].flatMap((s) => [...s].filter((id) => !madeIds.has(id)))
  const unsettled = clients.filter((c) => !c.settled() || c.pending() > 0 || c.problem()).map(describe)

  const readyz = await server.ready()
  for (const r of readers.values()) {
    r.provider.destroy()
    r.doc.destroy()
  }
  for (const c of clients) await c.destroy()
  const exit = await server.stop('SIGTERM')
  const verify = await runVerify(server.databasePath)
  const summary = `${verify.stdout.trim()}${verify.stderr.trim() ? `\n${verify.stderr.trim()}` : ''}`
  input.log(`verify: exit ${verify.code}: ${summary}`)
  return {
    converged,
    convergeMs,
    replicas: clients.length,
    mismatches,
    lostIds,
    unsaved,
    unknownInServer,
    duplicateIds,
    serverDecisions,
    unsettled,
    readyz,
    sigtermExitCode: exit.code,
    verify: { code: verify.code, summary: summary.slice(0, 4000) },
  }
}
