import type { Language } from '@consent-sync/consent-core'
import { type ReactNode, useState } from 'react'
import { t } from './i18n'
import type { SyncProblem } from './sync-view'

export interface ProblemBannerProps {
  problem: SyncProblem | null
  onDiscard(): void | Promise<void>
  lang?: Language
  /** Further actions (e.g. "Sign in again" after a 4401). */
  children?: ReactNode
}

/** Why the server refused this device, and the way out: discard what it could not accept. */
export function ProblemBanner({ problem, onDiscard, lang = 'en', children }: ProblemBannerProps) {
  const [busy, setBusy] = useState(false)
  if (!problem) return null
  const discard = async () => {
    setBusy(true)
    try {
      await onDiscard()
    } finally {
      setBusy(false)
    }
  }
  return (
    <div
      className="cs-problem"
      role="alert"
      data-testid="sync-problem"
      data-code={problem.code}
      data-reason={problem.reason}
    >
      <p className="cs-problem-title" lang={lang}>
        {t(lang, 'problemTitle')}
      </p>
      <p lang="en">{problem.message}</p>
      <div className="cs-problem-actions">
        <button
          type="button"
          className="cs-button cs-button-danger"
          data-testid="discard-local"
          disabled={busy}
          onClick={() => void discard()}
          lang={lang}
        >
          {t(lang, 'discard')}
        </button>
        {children}
      </div>
    </div>
  )
}
