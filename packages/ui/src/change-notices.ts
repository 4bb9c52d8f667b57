import type { Decision, PurposeState } from '@consent-sync/consent-core'
import { type ChangeContext, describeChange } from './describe'
import { useToast } from './Toast'

/**
 * Tells the person at this page, in a toast of kind `change`, of a decision someone else made:
 * who, which purpose, what it is now (`describeChange`); one that left a conflict is announced at once.
 * Give it each arrival (`useArrivals` of `@consent-sync/react` picks them out of a handle).
 */
export function useChangeToast(
  context: ChangeContext,
): (decision: Decision, purpose: PurposeState | undefined) => void {
  const toast = useToast()
  return (decision, purpose) => {
    const notice = describeChange(decision, purpose, context)
    toast(notice.text, 'change', { lang: context.lang, urgent: notice.urgent })
  }
}
