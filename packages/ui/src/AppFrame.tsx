import type { Language } from '@consent-sync/consent-core'
import { type ReactNode, useEffect, useRef } from 'react'
import { ToastRegion } from './Toast'

export interface AppFrameProps {
  children: ReactNode
  /** Classes of the page (e.g. `cs-app cw-page`). */
  className?: string
  lang?: Language
}

/** Keys that scroll a page: with nothing focused, the browser would try the document only. */
const SCROLL_KEYS = new Set([' ', 'PageDown', 'PageUp', 'Home', 'End', 'ArrowDown', 'ArrowUp'])

/**
 * A dashboard page: its content scrolls above a strip reserved for the toasts. A toast over the
 * content once hid the conflict explanation it was about; in its own strip it covers nothing,
 * whatever the person has scrolled to, and stays in sight.
 */
export function AppFrame({ children, className, lang }: AppFrameProps) {
  const content = useRef<HTMLDivElement>(null)
  useEffect(() => {
    // The document no longer scrolls: a scroll key pressed with nothing focused goes to the content,
    // which then scrolls as the page used to.
    const onKey = (e: KeyboardEvent) => {
      if (document.activeElement === document.body && SCROLL_KEYS.has(e.key))
        content.current?.focus({ preventScroll: true })
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])
  return (
    <div className={className ? `cs-frame ${className}` : 'cs-frame'}>
      <div className="cs-frame-content" data-testid="frame-content" ref={content} tabIndex={-1}>
        {children}
      </div>
      <ToastRegion {...(lang ? { lang } : {})} />
    </div>
  )
}
