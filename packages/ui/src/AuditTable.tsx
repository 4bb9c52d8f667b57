import type { AuditEntry, PurposeCatalog } from '@consent-sync/consent-core'
import type { ActorNames } from './describe'
import { purposeTitle } from './describe'
import { localDateAndTime } from './local-time'
import { StateChange } from './StateChange'

const HASH_PREFIX = 12

export interface AuditTableProps {
  /** Newest first. */
  entries: readonly AuditEntry[]
  catalog: PurposeCatalog
  /** Display names by user id, where known. */
  names?: ActorNames
}

/**
 * Audit entries as the server (or the demo's hub) recorded them; the receive time is the
 * authoritative one. What was decided stands apart from the state it left: a grant under a
 * conflict leaves "withdrawn → withdrawn".
 */
export function AuditTable({ entries, catalog, names = {} }: AuditTableProps) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box a keyboard must reach to scroll the table sideways on a phone
    <section className="cs-audit-scroll" aria-label="Audit entries" tabIndex={0} lang="en">
      <table className="cs-audit-table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Purpose</th>
            <th scope="col">Previous → resulting</th>
            <th scope="col">Decision</th>
            <th scope="col">Actor</th>
            <th scope="col">Channel</th>
            <th scope="col">Notice</th>
            <th scope="col">Evidence</th>
            <th scope="col">Conflicted</th>
            <th scope="col">Seq</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 && (
            <tr>
              <td colSpan={11} className="cs-muted">
                No audit entries.
              </td>
            </tr>
          )}
          {entries.map((e) => {
            const received = localDateAndTime(e.receivedAt)
            const name = names[e.actorId]
            return (
              <tr
                key={`${e.customerId}:${e.seq}`}
                data-testid="audit-row"
                data-purpose={e.purposeId}
                data-decision={e.decision}
                data-state={e.newState}
                data-actor={e.actorId}
                data-conflicted={String(e.conflicted)}
                data-seq={e.seq}
              >
                <td className="cs-nowrap">
                  <time dateTime={e.receivedAt} title={`device time ${e.deviceAt}`}>
                    {received.date}
                    <br />
                    {received.time}
                  </time>
                </td>
                <td>{purposeTitle(catalog, e.purposeId)}</td>
                <td data-testid="audit-change">
                  <StateChange from={e.previousState} to={e.newState} />
                </td>
                <td data-testid="audit-decision">
                  <span className={`cs-chip cs-chip-${e.decision}`}>{e.decision}</span>
                </td>
                <td>
                  {name ?? <code>{e.actorId}</code>}
                  <br />
                  <span className="cs-muted">
                    {name ? `(${e.actorId}, ${e.actorRole})` : `(${e.actorRole})`}
                  </span>
                </td>
                <td>{e.channel}</td>
                <td>{e.noticeVersion}</td>
                <td className="cs-evidence-cell">{e.evidence ?? <span className="cs-muted">—</span>}</td>
                <td>{e.conflicted ? <span className="cs-conflict-tag">yes</span> : 'no'}</td>
                <td>{e.seq}</td>
                <td>
                  <code title={`hash ${e.hash}\nprevious ${e.prevHash}`}>
                    {e.hash.slice(0, HASH_PREFIX)}…
                  </code>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
