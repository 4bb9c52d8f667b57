import { APPEND_BATCH_FUNCTION } from './postgres-append'

/**
 * What migration 5 adds to `append_batch`: after the updates and entries, each stored request's
 * derived writes (store/outbox.ts `DerivedWrites`), in batch order, in the same statement. The
 * outbox head row is locked last, after every document and state row, so seqs are gapless and in
 * commit order, and the sweeper (state rows, then the head) cannot deadlock with an append.
 * A state row is read FOR UPDATE: the effective state compared is the one the sweeper last left.
 */
const DOWNSTREAM_WRITES = `
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(batch) WITH ORDINALITY AS r(req, ord)
             WHERE NOT behind[r.ord::integer] AND jsonb_typeof(r.req->'derived') = 'object') THEN
    -- The state rows before the head, in one order: the sweeper holds rows and waits for the head.
    PERFORM 1 FROM consent_states AS c
    JOIN (SELECT x.s->'row'->>'purposeId' AS purpose_id, x.s->'row'->>'customerId' AS customer_id
          FROM jsonb_array_elements(batch) WITH ORDINALITY AS r(req, ord)
          CROSS JOIN LATERAL jsonb_array_elements(r.req->'derived'->'states') AS x(s)
          WHERE NOT behind[r.ord::integer] AND jsonb_typeof(r.req->'derived') = 'object') AS w
      ON c.purpose_id = w.purpose_id AND c.customer_id = w.customer_id
    ORDER BY c.purpose_id, c.customer_id
    FOR UPDATE OF c;
    SELECT h.seq INTO ev_seq FROM outbox_head AS h FOR UPDATE;
    FOR dw IN
      SELECT r.req->'derived' AS derived
      FROM jsonb_array_elements(batch) WITH ORDINALITY AS r(req, ord)
      WHERE NOT behind[r.ord::integer] AND jsonb_typeof(r.req->'derived') = 'object'
      ORDER BY r.ord
    LOOP
      first_ev := ev_seq + 1;
      INSERT INTO outbox (seq, id, type, customer_id, purpose_id, created_at, data)
      SELECT ev_seq + x.pos, x.ev->>'id', x.ev->>'type', x.ev->>'customerId', x.ev->>'purposeId',
        x.ev->>'createdAt', x.ev->'data'
      FROM jsonb_array_elements(dw.derived->'events') WITH ORDINALITY AS x(ev, pos)
      ORDER BY x.pos;
      ev_seq := ev_seq + jsonb_array_length(dw.derived->'events');
      FOR st IN
        SELECT x.s AS s FROM jsonb_array_elements(dw.derived->'states') WITH ORDINALITY AS x(s, pos) ORDER BY x.pos
      LOOP
        SELECT c.effective_state INTO was FROM consent_states AS c
        WHERE c.purpose_id = st.s->'row'->>'purposeId' AND c.customer_id = st.s->'row'->>'customerId'
        FOR UPDATE;
        IF NOT FOUND THEN was := st.s->>'effectiveWithoutRow'; END IF;
        INSERT INTO consent_states (purpose_id, customer_id, state, conflicted, notice_version, decided_at,
          effective_state, expires_at, change_seq)
        VALUES (st.s->'row'->>'purposeId', st.s->'row'->>'customerId', st.s->'row'->>'state',
          (st.s->'row'->>'conflicted')::boolean, st.s->'row'->>'noticeVersion', st.s->'row'->>'decidedAt',
          st.s->'row'->>'effectiveState', st.s->'row'->>'expiresAt',
          first_ev + (st.s->>'eventIndex')::bigint)
        ON CONFLICT (purpose_id, customer_id) DO UPDATE SET state = excluded.state,
          conflicted = excluded.conflicted, notice_version = excluded.notice_version,
          decided_at = excluded.decided_at, effective_state = excluded.effective_state,
          expires_at = excluded.expires_at, change_seq = excluded.change_seq;
        IF was IS DISTINCT FROM st.s->'row'->>'effectiveState' THEN
          ev_seq := ev_seq + 1;
          INSERT INTO outbox (seq, id, type, customer_id, purpose_id, created_at, data)
          VALUES (ev_seq, st.s->'changed'->>'id', st.s->'changed'->>'type', st.s->'changed'->>'customerId',
            st.s->'changed'->>'purposeId', st.s->'changed'->>'createdAt',
            (st.s->'changed'->'data') || jsonb_build_object('previousEffectiveState', was));
        END IF;
      END LOOP;
    END LOOP;
    UPDATE outbox_head SET seq = ev_seq;
  END IF;

`

function replaceOnce(text: string, find: string, by: string): string {
  const at = text.indexOf(find)
  if (at < 0 || text.indexOf(find, at + 1) >= 0)
    throw new Error(`append_batch v5: ${find.trim()} not found once`)
  return text.slice(0, at) + by + text.slice(at + find.length)
}

/**
 * `append_batch` as migration 5 replaces it: migration 2's function (postgres-append.ts, never
 * edited) with the downstream writes before the document rows move. Same signature, so the store's
 * call does not change. Once released, never edited either.
 */
export const APPEND_BATCH_FUNCTION_V5 = [
  ['CREATE FUNCTION append_batch', 'CREATE OR REPLACE FUNCTION append_batch'],
  [
    '  q record;\n',
    '  q record;\n  dw record;\n  st record;\n  ev_seq bigint;\n  first_ev bigint;\n  was text;\n',
  ],
  ['  UPDATE documents AS d\n', `${DOWNSTREAM_WRITES}  UPDATE documents AS d\n`],
].reduce((text, [find, by]) => replaceOnce(text, find!, by!), APPEND_BATCH_FUNCTION)
