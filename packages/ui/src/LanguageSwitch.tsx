import { LANGUAGES, type Language } from '@consent-sync/consent-core'
import { useId } from 'react'
import { LANGUAGE_NAMES, t } from './i18n'

export interface LanguageSwitchProps {
  value: Language
  onChange(l: Language): void
}

function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value)
}

export function LanguageSwitch({ value, onChange }: LanguageSwitchProps) {
  const id = useId()
  return (
    <span className="cs-language">
      <label htmlFor={id} lang={value}>
        {t(value, 'language')}
      </label>
      <select
        id={id}
        data-testid="language-select"
        value={value}
        onChange={(e) => {
          const next = e.currentTarget.value
          if (isLanguage(next)) onChange(next)
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </span>
  )
}
