import { localDateAndTime } from './local-time'

const HASH_PREFIX = 12

/** One entry of the administrators' log (`GET /api/admin/audit`): who changed the catalog or an account, how. */
export interface AdminAuditEntry {
  seq: number
  action: string
  target: string
  actorId: string
  actorRole: string
  at: string
  details: Readonly<Record<string, unknown>>
  prevHash: string
  hash: string
}

export interface AdminAuditTableProps {
  /** Newest first. */
  entries: readonly AdminAuditEntry[]
}

/** `{version: "2.0", material: true}` as `version 2.0 · material yes`. */
function describeDetails(details: Readonly<Record<string, unknown>>): string {
  return Object.entries(details)
    .filter(([key]) => key !== 'textHash')
    .map(([key, value]) => {
      const shown =
        typeof value === 'boolean'
          ? value
            ? 'yes'
            : 'no'
          : typeof value === 'string'
            ? value
            : JSON.stringify(value)
      return `${key} ${shown}`
    })
    .join(' · ')
}

/** The name after `user:` or `purpose:` in an entry's target. */
function targetName(target: string): string {
  const colon = target.indexOf(':')
  return colon < 0 ? target : target.slice(colon + 1)
}

/** What an entry did, in words: "created account agent.perera (csr)", "retired purpose marketing-sms". */
export function describeAdminAction(entry: Pick<AdminAuditEntry, 'action' | 'target' | 'details'>): string {
  const name = targetName(entry.target)
  const { role, version } = entry.details
  switch (entry.action) {
    case 'user.create':
      return typeof role === 'string' ? `created account ${name} (${role})` : `created account ${name}`
    case 'user.disable':
      return `disabled account ${name}`
    case 'user.enable':
      return `enabled account ${name}`
    case 'user.reset-password':
      return `set a new password for ${name}`
    case 'purpose.create':
      return `created purpose ${name}`
    case 'version.publish':
      return typeof version === 'string' ? `published ${name} version ${version}` : `published ${name}`
    case 'purpose.retire':
      return `retired purpose ${name}`
    case 'customer.export':
      return `downloaded everything held about customer ${name}`
    default:
      return entry.action
  }
}

/** The administrators' log, hash-chained like the consent audit: publishes, retirements, account changes, who and when. */
export function AdminAuditTable({ entries }: AdminAuditTableProps) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box a keyboard must reach to scroll the table sideways
    <section className="cs-audit-scroll" aria-label="Administrators' log entries" tabIndex={0} lang="en">
      <table className="cs-audit-table" data-testid="admin-audit">
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">When</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Who</th>
            <th scope="col">Details</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 && (
            <tr>
              <td colSpan={7} className="cs-muted">
                No entries.
              </td>
            </tr>
          )}
          {entries.map((e) => {
            const at = localDateAndTime(e.at)
            return (
              <tr
                key={e.seq}
                data-testid="admin-audit-row"
                data-seq={e.seq}
                data-action={e.action}
                data-target={e.target}
                data-actor={e.actorId}
              >
                <td>{e.seq}</td>
                <td className="cs-nowrap">
                  <time dateTime={e.at}>
                    {at.date}
                    <br />
                    {at.time}
                  </time>
                </td>
                <td data-testid="admin-audit-action">
                  {describeAdminAction(e)}
                  <br />
                  <code className="cs-muted">{e.action}</code>
                </td>
                <td>
                  <code>{e.target}</code>
                </td>
                <td>
                  <code>{e.actorId}</code> <span className="cs-muted">({e.actorRole})</span>
                </td>
                <td className="cs-evidence-cell">
                  {describeDetails(e.details) || <span className="cs-muted">—</span>}
                </td>
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
