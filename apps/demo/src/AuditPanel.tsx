import { verifyChain } from '@consent-sync/consent-core'
import { useMemo } from 'react'
import { useStore } from 'zustand'
import type { Hub } from './hub'
import { CATALOG, NAMES } from './people'
import { StateChange } from './StateChange'

function title(purposeId: string): string {
  return CATALOG.purposes.find((p) => p.id === purposeId)?.title.en ?? purposeId
}

/**
 * The hub's audit chain, newest first, and the verdict of re-walking its hashes here in the page.
 * What was decided stands apart from the state it left: a grant under a conflict leaves "withdrawn".
 */
export function AuditPanel({ hub }: { hub: Hub }) {
  const entries = useStore(hub.store, (s) => s.entries)
  const verdict = useMemo(() => verifyChain(entries), [entries])
  return (
    <section className="cs-app demo-audit" id="demo-audit" aria-labelledby="demo-audit-title" tabIndex={-1}>
      <div className="demo-audit-head">
        <h2 id="demo-audit-title">Audit trail (kept by the hub)</h2>
        <output
          className={`demo-chain demo-chain-${verdict.ok ? 'ok' : 'broken'}`}
          data-testid="chain-status"
          data-ok={String(verdict.ok)}
        >
          {verdict.ok
            ? `Chain verified: ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`
            : `Chain broken at entry ${verdict.seq}: ${verdict.reason} (${verdict.detail})`}
        </output>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box a keyboard must reach to scroll the table sideways on a phone */}
      <section className="demo-audit-scroll" aria-label="Audit entries" tabIndex={0}>
        <table className="demo-audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Received</th>
              <th scope="col">Actor</th>
              <th scope="col">Channel</th>
              <th scope="col">Purpose</th>
              <th scope="col">Decision</th>
              <th scope="col">Previous → resulting</th>
              <th scope="col">Conflicted</th>
              <th scope="col">Evidence</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 ? (
              <tr>
                <td colSpan={10}>No decisions yet.</td>
              </tr>
            ) : (
              [...entries].reverse().map((e) => (
                <tr
                  key={e.seq}
                  data-testid="audit-row"
                  data-actor={e.actorId}
                  data-purpose={e.purposeId}
                  data-decision={e.decision}
                  data-state={e.newState}
                  data-conflicted={String(e.conflicted)}
                >
                  <td>{e.seq}</td>
                  <td>
                    <time dateTime={e.receivedAt}>{new Date(e.receivedAt).toLocaleTimeString('en-GB')}</time>
                  </td>
                  <td>
                    {NAMES[e.actorId] ?? e.actorId} ({e.actorId}, {e.actorRole})
                  </td>
                  <td>{e.channel}</td>
                  <td>{title(e.purposeId)}</td>
                  <td data-testid="audit-decision">
                    <span className={`cs-chip cs-chip-${e.decision}`}>{e.decision}</span>
                  </td>
                  <td data-testid="audit-change">
                    <StateChange from={e.previousState} to={e.newState} />
                  </td>
                  <td>{e.conflicted ? <strong className="demo-conflicted">yes</strong> : 'no'}</td>
                  <td className="demo-evidence">{e.evidence ?? '—'}</td>
                  <td>
                    <code title={`hash ${e.hash}\nprevious ${e.prevHash}`}>{e.hash.slice(0, 12)}…</code>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </section>
    </section>
  )
}
