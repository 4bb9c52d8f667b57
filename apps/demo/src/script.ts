import type { Language } from '@consent-sync/consent-core'
import type { VersionDraft } from './catalog'
import type { Side } from './people'
import type { Replica } from './replica'
import type { Demo } from './world'

/** What a step's "Do it for me" may touch. */
export interface StepContext {
  demo: Demo
  setLanguage(side: Side, lang: Language): void
  showAudit(): void
}

export interface Step {
  title: string
  /** What the presenter does and what the audience should notice. */
  text: string
  run(ctx: StepContext): void
}

export const SMS = 'marketing-sms'
export const EMAIL = 'marketing-email'
export const PHONE_EVIDENCE = 'Call 14:02: Nimal asked us to stop SMS offers'

/** What step 7 publishes: the SMS notice widened to partners' offers, a material change. */
export const SMS_V2 = {
  purposeId: SMS,
  version: '2.0',
  material: true,
  reconsent: 'prompt',
  title: {
    en: 'Marketing messages by SMS',
    si: 'කෙටි පණිවිඩ (SMS) මගින් අලෙවිකරණ පණිවිඩ',
    ta: 'குறுஞ்செய்தி (SMS) மூலம் சந்தைப்படுத்தல் செய்திகள்',
  },
  notice: {
    en: 'We may send you news about products, promotions and offers from our partners by SMS, at most a few times a week.',
    si: 'නිෂ්පාදන, ප්‍රවර්ධන සහ අපගේ හවුල්කරුවන්ගේ දීමනා පිළිබඳ පුවත් අපි ඔබට කෙටි පණිවිඩ මගින් එවිය හැකිය; සතියකට වාර කිහිපයකට වඩා නොවේ.',
    ta: 'தயாரிப்புகள், விளம்பரங்கள் மற்றும் எங்கள் கூட்டாளர்களின் சலுகைகள் பற்றிய செய்திகளை வாரத்திற்கு சில முறைகளுக்கு மிகாமல் குறுஞ்செய்தி மூலம் உங்களுக்கு அனுப்பலாம்.',
  },
} as const satisfies VersionDraft

function stateOf(replica: Replica, purposeId: string) {
  return replica.store.getState().purposes.find((p) => p.purposeId === purposeId)
}

/** Decides only if the replica does not show that state already, settled (a step may be run twice). */
function ensure(replica: Replica, purposeId: string, state: 'granted' | 'withdrawn') {
  const current = stateOf(replica, purposeId)
  if (current?.state === state && !current.conflicted) return
  replica.decide({
    purposeId,
    state,
    ...(replica.side === 'customer' ? { channel: 'web' } : { channel: 'phone', evidence: PHONE_EVIDENCE }),
  })
}

/** The lift's edits are made: the customer is cut off with an SMS decision the hub does not hold yet. */
function inLift(customer: Replica): boolean {
  const { online, waiting } = customer.link.getState()
  return !online && waiting.includes(SMS)
}

/**
 * The guided script (DESIGN.md §9): offline edits, a conflict, convergence, the audit chain, languages.
 * Each `run` brings about what its step says and is idempotent: a second click changes nothing more.
 */
export const STEPS: readonly Step[] = [
  {
    title: 'Live, both ways',
    text: 'Nimal turns on "Marketing messages by SMS". Dilani sees it at once, and Nimal sees that an agent has the record open. The hub in this page judged, audited and relayed the change, as the server would.',
    run({ demo }) {
      demo.replicas.customer.setOnline(true)
      demo.replicas.agent.setOnline(true)
      ensure(demo.replicas.customer, SMS, 'granted')
    },
  },
  {
    title: 'Nimal steps into a lift',
    text: 'Switch the customer Offline. In the lift Nimal turns SMS off, e-mail on, then SMS on again: the changes wait on the phone (3 waiting). Meanwhile Dilani records an earlier call, by phone with evidence, in which Nimal asked to stop SMS.',
    run({ demo }) {
      const { customer, agent } = demo.replicas
      if (!inLift(customer)) {
        customer.setOnline(false)
        if (stateOf(customer, SMS)?.state === 'granted')
          customer.decide({ purposeId: SMS, state: 'withdrawn', channel: 'web' })
        ensure(customer, EMAIL, 'granted')
        customer.decide({ purposeId: SMS, state: 'granted', channel: 'web' })
      }
      agent.setOnline(true)
      if (stateOf(agent, SMS)?.state === 'granted') ensure(agent, SMS, 'withdrawn')
    },
  },
  {
    title: 'Out of the lift: convergence',
    text: 'Switch the customer Online. Both sides end up identical. SMS was decided twice without either person seeing the other: a withdrawal beats a grant (when in doubt there is no consent), and both dashboards say so, naming both decisions.',
    run({ demo }) {
      demo.replicas.customer.setOnline(true)
      demo.replicas.agent.setOnline(true)
    },
  },
  {
    title: 'Someone decides again',
    text: 'Nimal, having seen the notice, turns SMS on again. The new decision supersedes both, so the conflict clears on both sides.',
    run({ demo }) {
      // Granted and settled is what the step promises: already so, a second click does nothing.
      ensure(demo.replicas.customer, SMS, 'granted')
    },
  },
  {
    title: 'The audit trail',
    text: 'Every decision the hub accepted has one entry: who (from the replica that sent it, never from the data), channel, what was decided and the state it left (previous → resulting), conflicted, and a SHA-256 hash chain verified here in the page.',
    run({ showAudit }) {
      showAudit()
    },
  },
  {
    title: 'Sinhala and Tamil',
    text: 'Switch the languages: Nimal reads Sinhala, Dilani Tamil. Titles, notices and the conflict explanation follow.',
    run({ setLanguage }) {
      setLanguage('customer', 'si')
      setLanguage('agent', 'ta')
    },
  },
  {
    title: 'A new notice',
    text: 'The operator publishes version 2.0 of the SMS notice: offers from partners too, a material change. Without a reload, Nimal sees the text he agreed to beside the new one, the changed words marked, and is asked to agree again or withdraw, one click either way; Dilani sees the record flagged "needs re-consent". Agreeing records a decision under version 2.0.',
    run({ demo }) {
      const { customer, agent } = demo.replicas
      const sms = demo.catalog.store.getState().catalog.purposes.find((p) => p.id === SMS)
      if (sms?.versions?.some((v) => v.version === SMS_V2.version)) return
      customer.setOnline(true)
      agent.setOnline(true)
      // Someone who granted the old text is who a material change asks again.
      ensure(customer, SMS, 'granted')
      demo.catalog.publish(SMS_V2)
    },
  },
]
