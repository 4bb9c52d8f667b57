import { LANGUAGES, type Language } from '@consent-sync/consent-core'

const KEY = 'consent-sync:customer:language'

/** The language chosen on this device, if any. */
export function storedLanguage(): Language | undefined {
  const value = localStorage.getItem(KEY)
  return (LANGUAGES as readonly (string | null)[]).includes(value) ? (value as Language) : undefined
}

export function storeLanguage(lang: Language): void {
  localStorage.setItem(KEY, lang)
}
