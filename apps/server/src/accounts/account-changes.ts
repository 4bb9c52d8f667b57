import { CloseCode } from '@consent-sync/protocol'
import type { AccountGate } from '../auth/account-gate'
import type { AdminEntry } from '../store/catalog-store'
import type { FanOut } from '../sync/fanout'
import type { Rooms } from '../sync/rooms'

/** What follows an account change, on every instance of the deployment. */
export interface AccountChanges {
  /**
   * The account was changed here: this instance and the others forget what they knew of it, and
   * a disabled account's open connections close at once (4401). Resolves with how many closed here.
   */
  changed(username: string): Promise<number>
  stop(): void
}

const USER_TARGET = /^user:(.+)$/

/**
 * Applies account changes made anywhere: here (`changed`), on another instance (told through the
 * fan-out), or by `consent-sync users …` on the server's machine (read from the admin log, which
 * every account change is written to, every `intervalMs` — also what repairs a lost fan-out message).
 */
export function followAccountChanges(deps: {
  gate: AccountGate
  rooms: Pick<Rooms, 'closeUser'>
  fanout: Pick<FanOut, 'publishAccountChanged' | 'onAccountChanged'>
  adminLog(afterSeq: number): Promise<AdminEntry[]>
  intervalMs: number
  log?: { warn(obj: object, msg: string): void }
}): AccountChanges {
  const warn = (err: unknown, msg: string) => deps.log?.warn({ err }, msg)
  const apply = async (username: string): Promise<number> => {
    deps.gate.forget(username)
    if (!(await deps.gate.disabled(username))) return 0
    return deps.rooms.closeUser(username, CloseCode.Unauthorized, 'unauthorized: account disabled')
  }
  deps.fanout.onAccountChanged((username) => {
    apply(username).catch((err: unknown) => warn(err, 'account change not applied'))
  })

  // The admin log from where it stood at start: entries after `seen` are changes to apply.
  let seen: number | undefined
  let reading = false
  const readLog = async () => {
    if (reading) return
    reading = true
    try {
      const entries = await deps.adminLog(seen ?? 0)
      const first = seen === undefined
      seen = entries.at(-1)?.seq ?? seen ?? 0
      if (first) return
      for (const entry of entries) {
        const username = USER_TARGET.exec(entry.target)?.[1]
        if (username) await apply(username)
      }
    } finally {
      reading = false
    }
  }
  const poll = () => void readLog().catch((err: unknown) => warn(err, 'reading the admin log failed'))
  poll()
  const timer = deps.intervalMs > 0 ? setInterval(poll, deps.intervalMs) : undefined
  timer?.unref()
  return {
    changed(username) {
      deps.fanout.publishAccountChanged(username)
      return apply(username)
    },
    stop: () => clearInterval(timer),
  }
}
