import {
  type Decision,
  findPurpose,
  type Language,
  type PurposeCatalog,
  type PurposeState,
} from '@consent-sync/consent-core'
import { channelLabel, stateLabel, t } from './i18n'

/** A purpose's title in `lang` (else English), or its id when the catalog does not know it (a retired purpose). */
export function purposeTitle(catalog: PurposeCatalog, purposeId: string, lang: Language = 'en'): string {
  const title = findPurpose(catalog, purposeId)?.title
  return title?.[lang] || title?.en || purposeId
}

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

export interface ChangeContext {
  lang: Language
  /** Whose page it is: a customer reads "Customer service (…)" for an agent's decision. */
  viewer: 'customer' | 'csr'
  selfId: string
  names: ActorNames
  catalog: PurposeCatalog
}

/** A notice of someone else's decision: who, on which purpose, what it is now. */
export interface ChangeNotice {
  text: string
  /** The decision left the purpose conflicted: someone should decide again. */
  urgent: boolean
}

/**
 * "Customer service (Dilani Wickramasinghe, csr1) changed “Marketing messages by SMS” by phone: now
 * Withdrawn." `state` is the purpose's fold with the decision in it, to tell of a conflict it left.
 */
export function describeChange(
  decision: Decision,
  state: PurposeState | undefined,
  { lang, viewer, selfId, names, catalog }: ChangeContext,
): ChangeNotice {
  const params = {
    purpose: purposeTitle(catalog, decision.purposeId, lang),
    channel: channelLabel(lang, decision.channel),
    state: stateLabel(lang, decision.state),
  }
  const name = names[decision.actor.id]
  const text =
    viewer === 'customer' && decision.actor.role === 'csr'
      ? t(lang, 'changeByAgent', {
          ...params,
          agent: name ? `${name}, ${decision.actor.id}` : decision.actor.id,
        })
      : t(lang, 'changeBy', { ...params, who: describeActor(decision.actor, lang, selfId, names) })
  const conflicted = state?.conflicted === true && state.heads.some((h) => h.id === decision.id)
  if (!conflicted) return { text, urgent: false }
  return {
    text: `${text} ${t(lang, 'changeConflicted', { state: stateLabel(lang, state.state) })}`,
    urgent: true,
  }
}
