import {
  DEFAULT_CATALOG,
  type Decision,
  type Purpose,
  type PurposeState,
  type VersionSummary,
} from '@consent-sync/consent-core'

/** Shared subjects of the components' tests: the bundled catalog and decisions on one purpose. */
export const CATALOG = DEFAULT_CATALOG
export const SMS: Purpose = (() => {
  const found = CATALOG.purposes.find((p) => p.id === 'marketing-sms')
  if (!found) throw new Error('the bundled catalog has no marketing-sms')
  return found
})()

export function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    id: 'd-1',
    purposeId: SMS.id,
    state: 'granted',
    supersedes: [],
    at: '2026-02-01T10:00:00Z',
    actor: { id: 'C-0001', role: 'customer' },
    channel: 'web',
    noticeVersion: SMS.version,
    ...overrides,
  }
}

/** The fold of one settled decision. */
export function settled(d: Decision): PurposeState {
  return { purposeId: d.purposeId, state: d.state, conflicted: false, decision: d, heads: [d] }
}

/** SMS as a catalog kept as data lists it after publishing `2.0`, with the policy given. */
export function smsRepublished(change: Partial<VersionSummary> = {}, base: Purpose = SMS): Purpose {
  const texts = {
    title: { ...base.title },
    notice: {
      en: 'We may send you news about products, promotions and partner offers by SMS, at most a few times a week.',
      si: `${base.notice.si} හවුල්කරුවන්ගේ දීමනා ද ඇතුළුව.`,
      ta: `${base.notice.ta} கூட்டாளர் சலுகைகள் உட்பட.`,
    },
  }
  return {
    ...base,
    ...texts,
    version: '2.0',
    material: change.material ?? true,
    ...(change.reconsent !== undefined ? { reconsent: change.reconsent } : {}),
    ...(change.lifetimeDays !== undefined ? { lifetimeDays: change.lifetimeDays } : {}),
    versions: [
      { version: '2.0', textHash: 'h2', material: true, publishedAt: '2026-12-01T09:00:00Z', ...change },
      { version: base.version, textHash: 'h1', material: false, publishedAt: '2026-11-01T00:00:00Z' },
    ],
  }
}
