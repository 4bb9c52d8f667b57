import type { AuditEntry, PurposeCatalog } from '@consent-sync/consent-core'
import { purposeTitle } from '@consent-sync/ui'
import { formatDateTime } from './formatTime'
import { StateChange } from './StateChange'

const HASH_PREFIX = 8

interface Props {
  entries: readonly AuditEntry[]
  catalog: PurposeCatalog
}

/** Audit entries as the server recorded them, newest first; the receive time is the authoritative one. */
export function AuditTable({ entries, catalog }: Props) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box a keyboard must reach to scroll the table sideways on a phone
    <section className="csr-table-wrap" aria-label="Audit entries" tabIndex={0}>
      <table className="csr-table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Purpose</th>
            <th scope="col">Previous → new</th>
            <th scope="col">Decision</th>
            <th scope="col">Actor</th>
            <th scope="col">Channel</th>
            <th scope="col">Notice</th>
            <th scope="col">Evidence</th>
            <th scope="col">Conflict</th>
            <th scope="col">Seq</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 && (
            <tr>
              <td colSpan={11} className="csr-muted">
                No audit entries.
              </td>
            </tr>
          )}
          {entries.map((e) => {
            const received = formatDateTime(e.receivedAt)
            return (
              <tr
                key={`${e.customerId}:${e.seq}`}
                data-testid="audit-row"
                data-purpose={e.purposeId}
                data-state={e.newState}
                data-seq={e.seq}
              >
                <td className="csr-nowrap">
                  <time dateTime={e.receivedAt} title={`device time ${e.deviceAt}`}>
                    {received.date}
                    <br />
                    {received.time}
                  </time>
                </td>
                <td>{purposeTitle(catalog, e.purposeId)}</td>
                <td>
                  <StateChange from={e.previousState} to={e.newState} />
                </td>
                <td>{e.decision}</td>
                <td>
                  <code>{e.actorId}</code>
                  <br />
                  <span className="csr-muted">({e.actorRole})</span>
                </td>
                <td>{e.channel}</td>
                <td>{e.noticeVersion}</td>
                <td className="csr-evidence-cell">{e.evidence ?? <span className="csr-muted">—</span>}</td>
                <td>{e.conflicted ? <span className="csr-conflict-tag">yes</span> : 'no'}</td>
                <td>{e.seq}</td>
                <td>
                  <code title={e.hash}>{e.hash.slice(0, HASH_PREFIX)}</code>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
