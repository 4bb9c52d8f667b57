import {
  findPurpose,
  type NoticeTexts,
  type PurposeCatalog,
  type PurposeState,
  readOut,
} from '@consent-sync/consent-core'
import { loadNoticeVersion } from '@consent-sync/sync-client'
import { useEffect, useMemo, useState } from 'react'
import { apiBase } from './session'

/** The texts of the version a grant was made under, as far as the page has them (ui's `AgreedNotice`). */
export type AgreedNoticeView =
  | { version: string; status: 'loading' | 'unavailable' }
  | { version: string; status: 'loaded'; texts: NoticeTexts }

/** Which version's texts each grant that needs renewing was made under: purpose id → version. */
export function versionsToRenew(
  purposes: readonly PurposeState[],
  catalog: PurposeCatalog,
): Readonly<Record<string, string>> {
  const wanted: Record<string, string> = {}
  for (const state of purposes) {
    const purpose = findPurpose(catalog, state.purposeId)
    // needsReconsent does not depend on the clock: any instant will do.
    if (purpose && state.decision && readOut(state, purpose, { now: 0 }).needsReconsent)
      wanted[state.purposeId] = state.decision.noticeVersion
  }
  return wanted
}

/**
 * For each grant that a material change asks to renew (consent-core `readOut`), the exact texts it
 * was made under, from `GET /api/purposes/:id/versions/:version` (kept on the device for good, so
 * they show offline once fetched): what the customer page sets beside the new notice.
 */
export function useAgreedNotices(
  purposes: readonly PurposeState[],
  catalog: PurposeCatalog,
): Readonly<Record<string, AgreedNoticeView>> {
  const wanted = versionsToRenew(purposes, catalog)
  const key = JSON.stringify(wanted)
  const [loaded, setLoaded] = useState<Readonly<Record<string, AgreedNoticeView>>>({})
  // Texts that could not be had offline are asked for again when the connection returns.
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    const retry = () => setAttempt((n) => n + 1)
    globalThis.addEventListener?.('online', retry)
    return () => globalThis.removeEventListener?.('online', retry)
  }, [])

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `wanted`; `attempt` is the trigger
  useEffect(() => {
    let live = true
    for (const [purposeId, version] of Object.entries(wanted)) {
      const held = loaded[purposeId]
      if (held?.version === version && held.status === 'loaded') continue
      void loadNoticeVersion(apiBase(), purposeId, version).then((res) => {
        if (!live) return
        const view: AgreedNoticeView = res.ok
          ? { version, status: 'loaded', texts: { title: res.value.title, notice: res.value.notice } }
          : { version, status: 'unavailable' }
        setLoaded((prev) => ({ ...prev, [purposeId]: view }))
      })
    }
    return () => {
      live = false
    }
  }, [key, attempt])

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `wanted`
  return useMemo(() => {
    const out: Record<string, AgreedNoticeView> = {}
    for (const [purposeId, version] of Object.entries(wanted)) {
      const held = loaded[purposeId]
      out[purposeId] = held?.version === version ? held : { version, status: 'loading' }
    }
    return out
  }, [key, loaded])
}
