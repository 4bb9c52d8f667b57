import { describe, expect, it } from 'vitest'
import { checkDraft, draftFor, type NoticeDraft } from './notice-draft'
import { CATALOG, SMS, smsRepublished } from './test-data'

const TEXTS = {
  title: { en: 'RCS offers', si: 'RCS දීමනා', ta: 'RCS சலுகைகள்' },
  notice: { en: 'Offers by RCS.', si: 'RCS මගින් දීමනා.', ta: 'RCS மூலம் சலுகைகள்.' },
}
const complete = (change: Partial<NoticeDraft> = {}): NoticeDraft => ({
  ...draftFor(),
  id: 'marketing-rcs',
  version: '1.0',
  ...TEXTS,
  ...change,
})

describe('checkDraft', () => {
  it('refuses a blank title or notice, naming the language and the field', () => {
    const check = checkDraft(complete({ notice: { ...TEXTS.notice, ta: '   ' } }), CATALOG)
    expect(check).toEqual({
      ok: false,
      field: 'notice.ta',
      message: 'The Tamil notice is empty: every language is needed to publish.',
    })
    expect(checkDraft(complete({ title: { ...TEXTS.title, si: '' } }), CATALOG)).toMatchObject({
      field: 'title.si',
      message: expect.stringMatching(/^The Sinhala title is empty/),
    })
  })

  it('builds the new purpose body, without a policy a first version cannot have', () => {
    expect(checkDraft(complete({ lifetimeDays: '365', material: true }), CATALOG)).toEqual({
      ok: true,
      body: { id: 'marketing-rcs', default: 'withdrawn', version: '1.0', ...TEXTS, lifetimeDays: 365 },
    })
  })

  it('refuses an id that exists or is malformed, a published version, a bad lifetime', () => {
    expect(checkDraft(complete({ id: SMS.id }), CATALOG)).toMatchObject({ ok: false, field: 'id' })
    expect(checkDraft(complete({ id: 'Has Spaces' }), CATALOG)).toMatchObject({ ok: false, field: 'id' })
    const sms = smsRepublished()
    expect(checkDraft({ ...draftFor(sms), version: '1.0' }, CATALOG, sms)).toMatchObject({
      ok: false,
      field: 'version',
      message: 'Version 1.0 of marketing-sms is published already: choose a new version.',
    })
    expect(checkDraft(complete({ lifetimeDays: '1.5' }), CATALOG)).toMatchObject({ field: 'lifetimeDays' })
  })

  it('builds a new version body: the policy only with a material change', () => {
    const base = { ...draftFor(SMS), version: '2.0' }
    expect(checkDraft({ ...base, material: true, reconsent: 'required' }, CATALOG, SMS)).toMatchObject({
      ok: true,
      body: { version: '2.0', material: true, reconsent: 'required', title: SMS.title },
    })
    const plain = checkDraft({ ...base, reconsent: 'required' }, CATALOG, SMS)
    expect(plain.ok && 'reconsent' in plain.body).toBe(false)
  })
})
