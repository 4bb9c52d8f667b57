import { Component, type ReactNode } from 'react'

interface Props {
  /** What went wrong and what to do, shown instead of the part that failed to load. */
  message: string
  children: ReactNode
}

/**
 * Catches a lazily loaded screen whose chunk did not arrive (connection lost, or the app was updated
 * and the old chunk is gone), so the rest of the page stays usable and says what to do.
 */
export class LoadBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false }

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true }
  }

  override render() {
    return this.state.failed ? (
      <p className="csr-card cs-error" role="alert">
        {this.props.message}
      </p>
    ) : (
      this.props.children
    )
  }
}
