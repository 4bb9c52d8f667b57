import type { ChannelsAnswer, PurposesAnswer, TimeseriesAnswer } from './analyticsTypes'

/** Answers shaped as the analytics contract gives them, for the unit tests. */
const STAMP = { asOf: 41, generatedAt: '2026-12-03T10:00:00.000Z', minGroup: 5 }

export const PURPOSES: PurposesAnswer = {
  ...STAMP,
  at: null,
  purposes: [
    {
      purposeId: 'marketing-sms',
      title: { en: 'Marketing by SMS', si: 'SMS මගින් අලෙවිකරණය', ta: 'SMS மூலம் சந்தைப்படுத்தல்' },
      status: 'active',
      defaultState: 'withdrawn',
      customers: 40,
      granted: 12,
      grantedShare: 0.3,
      suppressed: false,
    },
    {
      purposeId: 'partner-sharing',
      title: { en: 'Sharing with partners', si: '', ta: '' },
      status: 'retired',
      defaultState: 'withdrawn',
      customers: 40,
      granted: null,
      grantedShare: null,
      suppressed: true,
    },
    {
      purposeId: 'usage-analytics',
      title: { en: 'Usage analytics', si: 'භාවිත විශ්ලේෂණ', ta: 'பயன்பாட்டுப் பகுப்பாய்வு' },
      status: 'active',
      defaultState: 'withdrawn',
      customers: 40,
      granted: 0,
      grantedShare: 0,
      suppressed: false,
    },
  ],
}

export const TIMESERIES: TimeseriesAnswer = {
  ...STAMP,
  purposeId: 'marketing-sms',
  interval: 'day',
  from: '2026-12-01',
  to: '2026-12-03',
  points: [
    {
      start: '2026-12-01',
      end: '2026-12-01',
      customers: 38,
      granted: 10,
      grantedShare: 10 / 38,
      grants: 6,
      withdrawals: 0,
      suppressed: false,
    },
    {
      start: '2026-12-02',
      end: '2026-12-02',
      customers: 39,
      granted: null,
      grantedShare: null,
      grants: null,
      withdrawals: 0,
      suppressed: true,
    },
    {
      start: '2026-12-03',
      end: '2026-12-03',
      customers: 40,
      granted: 12,
      grantedShare: 0.3,
      grants: 5,
      withdrawals: 0,
      suppressed: false,
    },
  ],
}

export const CHANNELS: ChannelsAnswer = {
  ...STAMP,
  from: '2026-11-04',
  to: '2026-12-03',
  purposeId: null,
  rows: [
    { channel: 'web', decider: 'customer', grants: 31, withdrawals: 9, renewals: 0, suppressed: false },
    { channel: 'phone', decider: 'agent', grants: 7, withdrawals: null, renewals: null, suppressed: true },
  ],
}
