import type { Config } from '../config'
import type { Store } from '../store/store'

/** The helpers of `src/cli.ts` a command module runs with (passed in, so a test can run it in-process). */
export interface CliHelpers {
  withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T>
  out(line?: string): void
  fail(message: string): never
  configOrExit(): Config
}

/**
 * One progress line on a terminal's standard error, rewritten in place at most every
 * `intervalMs`; nothing at all when the stream is not a terminal (a pipe, a log, CI).
 */
export function progressLine(
  stream: NodeJS.WriteStream,
  intervalMs = 250,
): { show(text: () => string): void; done(): void } {
  if (!stream.isTTY) return { show() {}, done() {} }
  let shownAt = 0
  let shown = false
  return {
    show(text) {
      const now = performance.now()
      if (now - shownAt < intervalMs) return
      shownAt = now
      shown = true
      stream.write(`\r\x1b[2K${text()}`)
    },
    done() {
      if (shown) stream.write('\r\x1b[2K')
    },
  }
}
