import type { Decision, Language } from '@consent-sync/consent-core'
import { channelLabel, t } from './i18n'

/** Display names by user id, where known (from presence or the signed-in user). */
export type ActorNames = Readonly<Record<string, string>>

/** Who decided and through which channel: "You, on the web", "Agent Dilani (csr1), by phone". */
export function describeDecision(
  decision: Pick<Decision, 'actor' | 'channel'>,
  lang: Language,
  selfId: string,
  names: ActorNames = {},
): string {
  return `${describeActor(decision.actor, lang, selfId, names)}, ${channelLabel(lang, decision.channel)}`
}

export function describeActor(
  actor: Decision['actor'],
  lang: Language,
  selfId: string,
  names: ActorNames = {},
): string {
  if (actor.id === selfId) return t(lang, 'you')
  const name = names[actor.id]
  if (actor.role === 'csr')
    return name ? t(lang, 'agentNamed', { name, id: actor.id }) : t(lang, 'agent', { id: actor.id })
  return name ? t(lang, 'customerNamed', { name, id: actor.id }) : t(lang, 'customer', { id: actor.id })
}
