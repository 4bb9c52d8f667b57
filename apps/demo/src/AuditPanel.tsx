import { verifyChain } from '@consent-sync/consent-core'
import { AuditTable } from '@consent-sync/ui'
import { useMemo } from 'react'
import { useStore } from 'zustand'
import type { DemoCatalog } from './catalog'
import type { Hub } from './hub'
import { NAMES } from './people'

/** The hub's audit chain, newest first, and the verdict of re-walking its hashes here in the page. */
export function AuditPanel({ hub, catalog: demoCatalog }: { hub: Hub; catalog: DemoCatalog }) {
  const entries = useStore(hub.store, (s) => s.entries)
  const catalog = useStore(demoCatalog.store, (s) => s.catalog)
  const verdict = useMemo(() => verifyChain(entries), [entries])
  const newestFirst = useMemo(() => [...entries].reverse(), [entries])
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
      <AuditTable entries={newestFirst} catalog={catalog} names={NAMES} />
    </section>
  )
}
