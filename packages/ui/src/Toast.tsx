import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react'

export type ToastKind = 'info' | 'success' | 'error'
export type ShowToast = (message: string, kind?: ToastKind) => void

interface ToastItem {
  id: number
  message: string
  kind: ToastKind
}

const ToastContext = createContext<ShowToast | null>(null)

/** How long a toast stays: errors longer, as they usually ask for something. */
const LIFETIME_MS: Record<ToastKind, number> = { info: 4000, success: 3000, error: 8000 }

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
    (message, kind = 'info') => {
      const id = nextId.current++
      // The same message twice in a row shows once, refreshed.
      setToasts((list) => [...list.filter((x) => x.message !== message).slice(-2), { id, message, kind }])
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

  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="cs-toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className={`cs-toast cs-toast-${toast.kind}`}
            data-testid="toast"
            data-kind={toast.kind}
            role={toast.kind === 'error' ? 'alert' : 'status'}
          >
            <span>{toast.message}</span>
            <button
              type="button"
              className="cs-toast-close"
              aria-label="Dismiss"
              onClick={() => dismiss(toast.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

/** `useToast()(message, kind?)`; outside a ToastProvider it does nothing. */
export function useToast(): ShowToast {
  return useContext(ToastContext) ?? noToast
}

function noToast(): void {}
