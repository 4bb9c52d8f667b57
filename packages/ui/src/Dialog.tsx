import { type ReactNode, useEffect, useId, useRef } from 'react'

export interface DialogProps {
  title: string
  /** Escape, or the page asking it to close. */
  onClose(): void
  children: ReactNode
  testId?: string
}

/**
 * A modal dialog (the native `<dialog>`, so focus stays inside and Escape closes it), open while
 * mounted; focus returns to where it was when it closes.
 */
export function Dialog({ title, onClose, children, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const id = useId()
  useEffect(() => {
    const dialog = ref.current
    const before = document.activeElement as HTMLElement | null
    if (dialog && !dialog.open) dialog.showModal()
    return () => {
      dialog?.close()
      before?.focus()
    }
  }, [])
  return (
    <dialog
      ref={ref}
      className="cs-dialog"
      aria-labelledby={`${id}-title`}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
    >
      <h2 id={`${id}-title`} className="cs-dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  )
}
