import type { Language, Purpose } from '@consent-sync/consent-core'

/** A purpose's text in `lang`, falling back to English; with the language it is really in. */
export function localText(text: Purpose['title'], lang: Language): { text: string; lang: Language } {
  const own = text[lang]
  return own ? { text: own, lang } : { text: text.en, lang: 'en' }
}
