import { useState } from 'react'

/** "Reset demo", confirmed inline (no window.confirm, so a test or a presenter's clicker can use it). */
export function ResetButton({ onReset }: { onReset(): Promise<void> }) {
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  if (!asking) {
    return (
      <button
        type="button"
        className="cs-button demo-reset"
        data-testid="reset-demo"
        onClick={() => setAsking(true)}
      >
        Reset demo
      </button>
    )
  }
  return (
    <span className="demo-reset-confirm">
      <span>Forget every change?</span>
      <button
        type="button"
        className="cs-button cs-button-danger"
        data-testid="reset-confirm"
        disabled={busy}
        onClick={async () => {
          setBusy(true)
          try {
            await onReset()
          } finally {
            setBusy(false)
            setAsking(false)
          }
        }}
      >
        Yes, reset
      </button>
      <button type="button" className="cs-button" data-testid="reset-cancel" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  )
}
