import { GENESIS } from '@consent-sync/consent-core'
import type { AppendRequest, AppendResult } from './document-log'

/**
 * `append_batch(batch, update_bytes, genesis)`, installed by migration 2 (postgres-schema.ts) in the
 * store's schema: one group commit in ONE statement, so one round trip and no lock held while the
 * server waits for the client. Once released, never edited; a change is a new migration that
 * replaces it.
 *
 * `batch` is the requests as JSON (`postedBatch`), `update_bytes` their updates side by side. It
 * locks every customer's document row in one stable order (creating a first append's row), decides
 * each request against the running position as append-rules.ts does (`isBehind`, `advance`: the
 * conformance suites hold both adapters to the same answers), then writes every stored update, every
 * entry of them and every moved row with one statement each. The whole call is one transaction.
 */
export const APPEND_BATCH_FUNCTION = `
CREATE FUNCTION append_batch(batch jsonb, update_bytes bytea, genesis text,
  OUT seqs integer[], OUT behind boolean[])
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $append$
DECLARE
  -- The batch's customers in lock order ("C", as customer_id sorts), and, per customer, where its
  -- log and chain stand as the requests before the current one left them.
  ids text[];
  at_update integer[];
  at_audit integer[];
  at_head text[];
  moved boolean[];
  q record;
BEGIN
  SELECT array_agg(u.id ORDER BY u.id) INTO ids
  FROM (SELECT DISTINCT r->>'customerId' COLLATE "C" AS id FROM jsonb_array_elements(batch) AS r) AS u;

  -- Rows are locked in customer order (two batches locking in different orders could deadlock);
  -- after waiting for another instance's commit, FOR UPDATE reads the row as that commit left it.
  FOR pass IN 1..2 LOOP
    SELECT array_agg(d.update_seq ORDER BY d.customer_id), array_agg(d.audit_seq ORDER BY d.customer_id),
      array_agg(d.audit_head ORDER BY d.customer_id)
    INTO at_update, at_audit, at_head
    FROM (SELECT customer_id, update_seq, audit_seq, audit_head FROM documents
          WHERE customer_id = ANY (ids) ORDER BY customer_id FOR UPDATE) AS d;
    EXIT WHEN cardinality(at_update) IS NOT DISTINCT FROM cardinality(ids);
    IF pass = 2 THEN
      RAISE EXCEPTION 'append_batch: % customers, % document rows locked', cardinality(ids), cardinality(at_update);
    END IF;
    -- A customer's first append creates its row, so that there is one to lock.
    INSERT INTO documents (customer_id, update_seq, audit_seq, audit_head)
    SELECT u.id, 0, 0, genesis FROM unnest(ids) AS u(id) ORDER BY u.id COLLATE "C"
    ON CONFLICT (customer_id) DO NOTHING;
  END LOOP;

  -- append-rules.ts: behind when the expected seq is not the stored one or the first entry does not
  -- continue the stored chain; stored, the log takes the next seq and the chain its last entry.
  moved := array_fill(false, ARRAY[cardinality(ids)]);
  seqs := '{}';
  behind := '{}';
  FOR q IN
    SELECT r.ord::integer AS i, u.k::integer AS k,
      (r.req->>'expectedSeq')::integer AS expected,
      jsonb_array_length(r.req->'entries') AS n,
      (r.req->'entries'->0->>'seq')::integer AS first_seq,
      r.req->'entries'->0->>'prevHash' AS first_prev,
      (r.req->'entries'->-1->>'seq')::integer AS last_seq,
      r.req->'entries'->-1->>'hash' AS last_hash
    FROM jsonb_array_elements(batch) WITH ORDINALITY AS r(req, ord)
    JOIN unnest(ids) WITH ORDINALITY AS u(id, k) ON u.id = r.req->>'customerId'
    ORDER BY r.ord
  LOOP
    IF (q.expected IS NOT NULL AND q.expected <> at_update[q.k])
       OR (q.n > 0 AND (q.first_seq IS DISTINCT FROM at_audit[q.k] + 1
                        OR q.first_prev IS DISTINCT FROM at_head[q.k])) THEN
      behind[q.i] := true;
    ELSE
      at_update[q.k] := at_update[q.k] + 1;
      IF q.n > 0 THEN
        at_audit[q.k] := q.last_seq;
        at_head[q.k] := q.last_hash;
      END IF;
      moved[q.k] := true;
      behind[q.i] := false;
    END IF;
    seqs[q.i] := at_update[q.k];
  END LOOP;

  INSERT INTO updates (customer_id, seq, data, received_at, connection_id, user_id, user_role, hash)
  SELECT r.req->>'customerId', seqs[r.ord::integer],
    substring(update_bytes FROM (r.req->'update'->>0)::integer + 1 FOR (r.req->'update'->>1)::integer),
    r.req->'meta'->>'receivedAt', r.req->'meta'->>'connectionId', r.req->'meta'->>'userId',
    r.req->'meta'->>'userRole', r.req->'meta'->>'hash'
  FROM jsonb_array_elements(batch) WITH ORDINALITY AS r(req, ord)
  WHERE NOT behind[r.ord::integer]
  ORDER BY r.ord;

  -- In batch and chain order, so audit ids (the cursor order) follow the chain. A conflicted that
  -- is not a boolean is NULL and fails NOT NULL rather than being stored as a guess.
  INSERT INTO audit (customer_id, seq, purpose_id, decision_id, decision, previous_state, new_state,
    conflicted, actor_id, actor_role, channel, notice_version, notice_hash, evidence, device_at,
    received_at, connection_id, update_hash, prev_hash, hash)
  SELECT e."customerId", e.seq, e."purposeId", e."decisionId", e.decision, e."previousState", e."newState",
    CASE WHEN jsonb_typeof(e.conflicted) = 'boolean' THEN e.conflicted::boolean END,
    e."actorId", e."actorRole", e.channel, e."noticeVersion", e."noticeHash", e.evidence, e."deviceAt",
    e."receivedAt", e."connectionId", e."updateHash", e."prevHash", e.hash
  FROM jsonb_array_elements(batch) WITH ORDINALITY AS r(req, ord)
  CROSS JOIN LATERAL jsonb_array_elements(r.req->'entries') WITH ORDINALITY AS x(entry, pos)
  CROSS JOIN LATERAL jsonb_to_record(x.entry) AS e("customerId" text, seq integer, "purposeId" text,
    "decisionId" text, decision text, "previousState" text, "newState" text, conflicted jsonb,
    "actorId" text, "actorRole" text, channel text, "noticeVersion" text, "noticeHash" text, evidence text,
    "deviceAt" text, "receivedAt" text, "connectionId" text, "updateHash" text, "prevHash" text, hash text)
  WHERE NOT behind[r.ord::integer]
  ORDER BY r.ord, x.pos;

  UPDATE documents AS d
  SET update_seq = v.update_seq, audit_seq = v.audit_seq, audit_head = v.audit_head
  FROM unnest(ids, at_update, at_audit, at_head, moved)
    AS v(customer_id, update_seq, audit_seq, audit_head, moved)
  WHERE d.customer_id = v.customer_id AND v.moved;
END
$append$;
`

/** What `append_batch` is given: the requests as JSON, each update by offset and length in `updates`. */
export interface PostedBatch {
  json: string
  updates: Buffer
}

/**
 * The batch as `append_batch` reads it. The entries go as they are: JSON drops an absent
 * `evidence`, which reads back as NULL, as `exactEntry` would have stored it, and an absent
 * `noticeHash`, stored as NULL and read back absent.
 */
export function postedBatch(requests: readonly AppendRequest[]): PostedBatch {
  let offset = 0
  const posted = requests.map((r) => {
    const at = offset
    offset += r.update.byteLength
    return {
      customerId: r.customerId,
      expectedSeq: r.expectedSeq ?? null,
      meta: r.meta,
      entries: r.entries,
      // Read by migration 5's function (postgres-append-downstream.ts); null: nothing downstream.
      derived: r.derived ?? null,
      update: [at, r.update.byteLength],
    }
  })
  return {
    json: JSON.stringify(posted),
    updates: Buffer.concat(
      requests.map((r) => r.update),
      offset,
    ),
  }
}

/** Runs one statement (pool.query with a name and retries); what `appendAll` needs of the pool. */
export type RunStatement = <R extends object>(
  sql: string,
  params: unknown[],
  options: { name: string; attempts: number },
) => Promise<R[]>

/** One group commit: one call of `append_batch` (one statement, its own transaction). */
export async function appendAll(
  run: RunStatement,
  appendBatch: string,
  requests: readonly AppendRequest[],
  attempts: number,
): Promise<AppendResult[]> {
  const { json, updates } = postedBatch(requests)
  const [row] = await run<{ seqs: number[]; behind: boolean[] }>(
    `SELECT seqs, behind FROM ${appendBatch}($1::jsonb, $2::bytea, $3::text)`,
    [json, updates, GENESIS.hash],
    // Prepared once per connection: each commit sends only Bind and Execute.
    { name: `append_batch ${appendBatch}`, attempts },
  )
  if (!row || row.seqs.length !== requests.length) {
    throw new Error(`append_batch answered for ${row?.seqs.length ?? 0} of ${requests.length} requests`)
  }
  return requests.map(({ customerId }, i) =>
    row.behind[i] ? { customerId, seq: row.seqs[i]!, behind: true } : { customerId, seq: row.seqs[i]! },
  )
}
