import { type AuditEntry, GENESIS } from '@consent-sync/consent-core'
import type { PoolClient } from 'pg'
import { advance, isBehind, type LogPosition } from './append-rules'
import type { AppendRequest, AppendResult } from './document-log'
import { AUDIT_ENTRY_COLUMNS, chainHeadOf, type DocumentRow, exactEntry, UPDATE_COLUMNS } from './rows'

/** The tables of one schema, named with the schema. */
export interface Tables {
  documents: string
  updates: string
  audit: string
}

/**
 * One group commit inside the caller's transaction: every customer's row locked in one stable
 * order, each request stored or refused as behind against the running position, then every update,
 * every entry and every advanced row written with one statement each.
 */
export async function appendAll(
  client: PoolClient,
  t: Tables,
  requests: readonly AppendRequest[],
): Promise<AppendResult[]> {
  const ids = [...new Set(requests.map((r) => r.customerId))]
  // Lock every customer's head row in one stable order (two instances locking in different
  // orders could deadlock); a customer's first append creates the row so there is one to lock.
  await client.query(
    `INSERT INTO ${t.documents} (customer_id, update_seq, audit_seq, audit_head)
     SELECT id, 0, 0, $2 FROM unnest($1::text[]) AS u(id) ORDER BY id COLLATE "C"
     ON CONFLICT (customer_id) DO NOTHING`,
    [ids, GENESIS.hash],
  )
  const locked = await client.query<DocumentRow & { customer_id: string }>(
    `SELECT customer_id, update_seq, audit_seq, audit_head FROM ${t.documents}
     WHERE customer_id = ANY($1::text[]) ORDER BY customer_id FOR UPDATE`,
    [ids],
  )
  const positions = new Map<string, LogPosition>(
    locked.rows.map((r) => [r.customer_id, { updateSeq: r.update_seq, chain: chainHeadOf(r) }]),
  )

  const results: AppendResult[] = []
  const stored: { seq: number; request: AppendRequest }[] = []
  for (const request of requests) {
    const { customerId } = request
    const at = positions.get(customerId)
    if (!at) throw new Error(`append for ${customerId}: its document row was not locked`)
    if (isBehind(at, request)) {
      results.push({ customerId, seq: at.updateSeq, behind: true })
      continue
    }
    const next = advance(at, request.entries)
    positions.set(customerId, next)
    results.push({ customerId, seq: next.updateSeq })
    stored.push({ seq: next.updateSeq, request })
  }

  await insertUpdates(client, t, stored)
  await insertEntries(
    client,
    t,
    stored.flatMap((x) => x.request.entries.map(exactEntry)),
  )
  await client.query(
    `UPDATE ${t.documents} AS d SET update_seq = v.update_seq, audit_seq = v.audit_seq, audit_head = v.audit_head
     FROM unnest($1::text[], $2::int[], $3::int[], $4::text[]) AS v(customer_id, update_seq, audit_seq, audit_head)
     WHERE d.customer_id = v.customer_id`,
    [
      [...positions.keys()],
      [...positions.values()].map((p) => p.updateSeq),
      [...positions.values()].map((p) => p.chain.seq),
      [...positions.values()].map((p) => p.chain.hash),
    ],
  )
  return results
}

async function insertUpdates(
  client: PoolClient,
  t: Tables,
  stored: readonly { seq: number; request: AppendRequest }[],
): Promise<void> {
  const metas = stored.map((x) => x.request.meta)
  await client.query(
    `INSERT INTO ${t.updates} (${UPDATE_COLUMNS})
     SELECT * FROM unnest($1::text[], $2::int[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [
      stored.map((x) => x.request.customerId),
      stored.map((x) => x.seq),
      stored.map((x) => x.request.update),
      metas.map((m) => m.receivedAt),
      metas.map((m) => m.connectionId),
      metas.map((m) => m.userId),
      metas.map((m) => m.userRole),
      metas.map((m) => m.hash),
    ],
  )
}

async function insertEntries(client: PoolClient, t: Tables, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return
  const column = <K extends keyof AuditEntry>(key: K) => entries.map((e) => e[key])
  // Ordered by position, so audit ids (the cursor order) follow the order of the chain.
  await client.query(
    `INSERT INTO ${t.audit} (${AUDIT_ENTRY_COLUMNS})
     SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19
     FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
       $8::boolean[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
       $15::text[], $16::text[], $17::text[], $18::text[], $19::text[])
       WITH ORDINALITY AS e(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18,
         c19, position)
     ORDER BY position`,
    [
      column('customerId'),
      column('seq'),
      column('purposeId'),
      column('decisionId'),
      column('decision'),
      column('previousState'),
      column('newState'),
      // A non-boolean binds NULL and fails NOT NULL rather than being stored as a guess.
      entries.map((e) => (typeof e.conflicted === 'boolean' ? e.conflicted : null)),
      column('actorId'),
      column('actorRole'),
      column('channel'),
      column('noticeVersion'),
      column('evidence'),
      column('deviceAt'),
      column('receivedAt'),
      column('connectionId'),
      column('updateHash'),
      column('prevHash'),
      column('hash'),
    ],
  )
}
