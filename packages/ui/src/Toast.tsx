import type { Language } from '@consent-sync/consent-core'
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react'
import { t } from './i18n'

/** `change`: someone else's decision that reached this page (see `useChangeNotices`). */
export type ToastKind = 'info' | 'success' | 'error' | 'change'

export interface ToastOptions {
  /** The language the message is in (default: the page's). */
  lang?: Language
  /** Announce at once (`role="alert"`); errors always are. */
  urgent?: boolean
}

export type ShowToast = (message: string, kind?: ToastKind, options?: ToastOptions) => void

interface ToastItem {
  id: number
  message: string
  kind: ToastKind
  lang: Language | undefined
  urgent: boolean
}

interface ToastList {
  toasts: readonly ToastItem[]
  dismiss(id: number): void
}

const ToastContext = createContext<ShowToast | null>(null)
const ToastListContext = createContext<ToastList>({ toasts: [], dismiss: () => {} })

/**
 * How long a toast stays: errors longer, as they usually ask for something; someone else's change
 * longer than this page's own news, as the person did not expect it.
 */
const LIFETIME_MS: Record<ToastKind, number> = { info: 4000, success: 3000, error: 8000, change: 10_000 }

/** Holds the toasts; `<ToastRegion>` (or `<AppFrame>`) shows them where the page reserved room. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([])
  const nextId = useRef(1)
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>())

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id))
    timers.current.delete(id)
    setToasts((list) => list.filter((x) => x.id !== id))
  }, [])

  const show = useCallback<ShowToast>(
    (message, kind = 'info', options = {}) => {
      const id = nextId.current++
      const item: ToastItem = { id, message, kind, lang: options.lang, urgent: options.urgent ?? false }
      // The same message twice in a row shows once, refreshed; two at most, as their strip takes
      // room from the content (the older one was announced already).
      setToasts((list) => [...list.filter((x) => x.message !== message).slice(-1), item])
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), LIFETIME_MS[kind]),
      )
    },
    [dismiss],
  )

  useEffect(() => {
    const pending = timers.current
    return () => {
      for (const timer of pending.values()) clearTimeout(timer)
    }
  }, [])

  const list = useMemo<ToastList>(() => ({ toasts, dismiss }), [toasts, dismiss])
  return (
    <ToastContext.Provider value={show}>
      <ToastListContext.Provider value={list}>{children}</ToastListContext.Provider>
    </ToastContext.Provider>
  )
}

export interface ToastRegionProps {
  /** The language of the dismiss button's label. */
  lang?: Language
}

/**
 * The live region the toasts appear in. Always rendered, even empty: a screen reader announces what
 * is added to a region it already knows, not a region that appears with its content.
 */
export function ToastRegion({ lang = 'en' }: ToastRegionProps) {
  const { toasts, dismiss } = useContext(ToastListContext)
  return (
    <div className="cs-toasts" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`cs-toast cs-toast-${toast.kind}`}
          data-testid="toast"
          data-kind={toast.kind}
          role={toast.kind === 'error' || toast.urgent ? 'alert' : 'status'}
          lang={toast.lang}
        >
          <span>{toast.message}</span>
          <button
            type="button"
            className="cs-toast-close"
            aria-label={t(lang, 'dismiss')}
            lang={lang}
            onClick={() => dismiss(toast.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  )
}

/** `useToast()(message, kind?, options?)`; outside a ToastProvider it does nothing. */
export function useToast(): ShowToast {
  return useContext(ToastContext) ?? noToast
}

function noToast(): void {}
