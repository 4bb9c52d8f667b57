import type { Language } from '@consent-sync/consent-core'
import { type FormEvent, useId, useState } from 'react'
import { t } from './i18n'

export interface LoginFormProps {
  title: string
  hint?: string
  /** Rejects with an Error whose message is shown to the person. */
  onSubmit(username: string, password: string): Promise<void>
  lang?: Language
  /** Label of the username field (default "Username"). */
  usernameLabel?: string
}

export function LoginForm({ title, hint, onSubmit, lang = 'en', usernameLabel }: LoginFormProps) {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const id = useId()

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await onSubmit(username.trim(), password)
    } catch (err) {
      setError(err instanceof Error && err.message ? err.message : t(lang, 'signInFailed'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="cs-login"
      onSubmit={(e) => void submit(e)}
      aria-describedby={hint ? `${id}-hint` : undefined}
    >
      <h1>{title}</h1>
      {hint ? (
        <p className="cs-login-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <label htmlFor={`${id}-user`}>{usernameLabel ?? t(lang, 'username')}</label>
      <input
        id={`${id}-user`}
        data-testid="login-username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={username}
        onChange={(e) => setUsername(e.currentTarget.value)}
      />
      <label htmlFor={`${id}-password`}>{t(lang, 'password')}</label>
      <input
        id={`${id}-password`}
        data-testid="login-password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
      />
      {error ? (
        <p className="cs-login-error" role="alert" data-testid="login-error">
          {error}
        </p>
      ) : null}
      <button
        type="submit"
        className="cs-button cs-button-primary"
        data-testid="login-submit"
        disabled={busy}
      >
        {busy ? t(lang, 'signingIn') : t(lang, 'signIn')}
      </button>
    </form>
  )
}
