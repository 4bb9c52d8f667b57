import type { ConflictsAnswer } from './analyticsTypes'
import { DataTable } from './DataTable'
import { conflictListTable, type ViewContext } from './panelViews'

/** The server lists at most this many open conflicts. */
const LIST_CAP = 200

/** The open conflicts (administrators and auditors get them), each a link to the customer's record. */
export function ConflictList({ answer, ctx }: { answer: ConflictsAnswer; ctx: ViewContext }) {
  const table = conflictListTable(answer, ctx)
  if (!table || table.rows.length === 0) return null
  const { t } = ctx
  const title = t('conflictListTitle')
  return (
    <div className="csr-analytics-list" data-testid="analytics-conflict-list">
      <h4 className="csr-analytics-subtitle">{title}</h4>
      {table.rows.length >= LIST_CAP ? (
        <p className="cs-muted">{t('conflictListCapped', { n: LIST_CAP })}</p>
      ) : null}
      <DataTable
        table={table}
        caption={title}
        testId="analytics-conflict-table"
        renderCell={(_row, column, cell) =>
          column.key === 'customer' ? (
            // The customers' screen opens a record from the URL hash (useHashCustomer).
            <a
              href={`#/customer/${encodeURIComponent(cell.text)}`}
              aria-label={t('openCustomer', { id: cell.text })}
            >
              {cell.text}
            </a>
          ) : (
            cell.text
          )
        }
      />
    </div>
  )
}
