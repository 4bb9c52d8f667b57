import type { ExportFormat } from '@consent-sync/consent-core'
import { useToast } from '@consent-sync/ui'
import type { AuditFilter } from './auditFilter'
import { useAuditExport } from './useAuditExport'

interface Props {
  customerId: string
  filter: AuditFilter
}

const LABEL: Readonly<Record<ExportFormat, string>> = { jsonl: 'JSON Lines', csv: 'CSV' }

/** Download the audit trail shown (same filters) as JSON Lines or CSV. */
export function ExportButtons({ customerId, filter }: Props) {
  const { run, busy } = useAuditExport(customerId, filter)
  const toast = useToast()
  const onExport = async (format: ExportFormat) => {
    const result = await run(format)
    if (!result.ok) toast(`Export failed: ${result.message}`, 'error')
    else
      toast(
        result.count === null
          ? `${LABEL[format]} export saved.`
          : `${result.count} entries saved as ${LABEL[format]}.`,
      )
  }
  return (
    <div className="csr-export">
      {(['jsonl', 'csv'] as const).map((format) => (
        <button
          key={format}
          type="button"
          className="csr-button csr-button-quiet"
          data-testid={`export-${format}`}
          disabled={busy !== null}
          aria-busy={busy === format}
          onClick={() => void onExport(format)}
        >
          {busy === format ? 'Exporting…' : `Export ${LABEL[format]}`}
        </button>
      ))}
    </div>
  )
}
