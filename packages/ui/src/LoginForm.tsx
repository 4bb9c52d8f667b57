import type { Language } from '@consent-sync/consent-core'
import { type FormEvent, useId, useState } from 'react'
import { t } from './i18n'

export interface LoginFormProps {
  title: string
  hint?: string | undefined
  /** Rejects with an Error whose message is shown to the person. */
  onSubmit(username: string, password: string): Promise<void>
  lang?: Language
  /** Label of the username field (default "Username"). */
  usernameLabel?: string
  /**
   * Signing in at the operator's identity provider: a primary link above the form, and the words
   * that lead from it to the password form (kept for built-in accounts).
   */
  provider?: { href: string; label: string; otherwise: string } | undefined
  /** A token handed to the page is being checked: "Signing in…", and the form waits. */
  checking?: boolean
  /** A message from outside the form: a handed-over token refused, the session ended. */
  notice?: string | null | undefined
}

export function LoginForm({
  title,
  hint,
  onSubmit,
  lang = 'en',
  usernameLabel,
  provider,
  checking = false,
  notice,
}: LoginFormProps) {
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
      {checking ? (
        <p className="cs-login-hint" role="status" data-testid="login-checking">
          {t(lang, 'signingIn')}
        </p>
      ) : null}
      {notice ? (
        <p className="cs-login-error" role="alert" data-testid="login-notice">
          {notice}
        </p>
      ) : null}
      {provider ? (
        <>
          <a className="cs-button cs-button-primary" href={provider.href} data-testid="login-provider">
            {provider.label}
          </a>
          <p className="cs-muted">{provider.otherwise}</p>
        </>
      ) : null}
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
        className={provider ? 'cs-button' : 'cs-button cs-button-primary'}
        data-testid="login-submit"
        disabled={busy || checking}
      >
        {busy ? t(lang, 'signingIn') : t(lang, 'signIn')}
      </button>
    </form>
  )
}
