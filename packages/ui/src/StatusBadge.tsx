import type { Language } from '@consent-sync/consent-core'
import { t } from './i18n'
import type { SyncStatus } from './sync-view'

export interface StatusBadgeProps {
  status: SyncStatus
  pending: number
  lang?: Language
}

/** What a person should read about the connection and the changes not yet saved on the server. */
export function statusText(lang: Language, status: SyncStatus, pending: number): string {
  const n = { n: pending }
  switch (status) {
    case 'saved':
      return t(lang, 'statusSaved')
    case 'syncing':
      if (pending === 0) return t(lang, 'statusSyncing')
      return t(lang, pending === 1 ? 'statusSavingOne' : 'statusSavingMany', n)
    case 'offline':
      if (pending === 0) return t(lang, 'statusOffline')
      return t(lang, pending === 1 ? 'statusOfflineOne' : 'statusOfflineMany', n)
    case 'connecting':
      return t(lang, 'statusConnecting')
  }
}

export function StatusBadge({ status, pending, lang = 'en' }: StatusBadgeProps) {
  return (
    <>
      <output className="cs-status" data-testid="sync-status" data-status={status} aria-live="polite">
        <span className="cs-status-dot" aria-hidden="true" />
        <span lang={lang}>{statusText(lang, status, pending)}</span>
      </output>
      <span className="cs-pending" data-testid="pending-count" data-pending={pending} aria-hidden="true">
        {pending}
      </span>
    </>
  )
}
