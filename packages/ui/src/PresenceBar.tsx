import type { Language } from '@consent-sync/consent-core'
import { t } from './i18n'
import type { PresenceEntry } from './sync-view'

export interface PresenceBarProps {
  presence: readonly PresenceEntry[]
  viewer: 'customer' | 'csr'
  lang?: Language
}

/** Other people with this record open, one entry per person however many tabs they use. */
function others(presence: readonly PresenceEntry[]): PresenceEntry[] {
  const selfIds = new Set(presence.filter((p) => p.self).map((p) => p.user.id))
  const byUser = new Map<string, PresenceEntry>()
  for (const p of presence) {
    if (p.self || selfIds.has(p.user.id)) continue
    const seen = byUser.get(p.user.id)
    byUser.set(p.user.id, seen ? { ...seen, editing: seen.editing || p.editing } : p)
  }
  return [...byUser.values()]
}

export function PresenceBar({ presence, viewer, lang = 'en' }: PresenceBarProps) {
  const people = others(presence)
  if (viewer === 'customer') {
    const agents = people.filter((p) => p.user.role === 'csr')
    return (
      <div className="cs-presence" data-testid="presence" aria-live="polite" lang={lang}>
        {agents.map((a) => (
          <p
            key={a.user.id}
            className="cs-presence-agent"
            data-testid="agent-viewing"
            data-user={a.user.id}
            data-editing={String(a.editing)}
          >
            <span data-testid={`presence-${a.user.id}`}>
              {t(lang, a.editing ? 'agentEditing' : 'agentViewing', { name: a.user.name })}
            </span>
          </p>
        ))}
      </div>
    )
  }
  return (
    <div className="cs-presence cs-presence-csr" data-testid="presence" aria-live="polite" lang={lang}>
      {people.length === 0 ? (
        <span className="cs-presence-alone">{t(lang, 'presenceAlone')}</span>
      ) : (
        <>
          <span>{t(lang, 'presenceOthers')}</span>
          <ul>
            {people.map((p) => (
              <li
                key={p.user.id}
                className="cs-presence-item"
                data-testid={`presence-${p.user.id}`}
                data-role={p.user.role}
                data-editing={String(p.editing)}
              >
                {p.user.role === 'customer'
                  ? t(lang, 'presenceCustomer', { name: p.user.name })
                  : `${p.user.name} (${p.user.id})`}
                {p.editing ? <span className="cs-presence-editing"> · {t(lang, 'editing')}</span> : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}
