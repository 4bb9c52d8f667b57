/** Every child process the harness starts, so that none outlives it (exit, SIGINT, SIGTERM), and how to stop one. */
import type { ChildProcess } from 'node:child_process'

const live = new Set<ChildProcess>()
let installed = false

function killAll() {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  live.clear()
}

export function track(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
  if (installed) return
  installed = true
  process.once('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll()
      process.exit(130)
    })
  }
}

export function untrack(child: ChildProcess): void {
  live.delete(child)
}

/** The processes still running (the harness test checks that none is left). */
export function liveChildren(): number[] {
  return [...live].filter((c) => c.exitCode === null && c.signalCode === null).map((c) => c.pid ?? -1)
}

/** Signal, wait up to 10 s, then SIGKILL; always resolves once the process is gone. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    untrack(child)
    return
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
  untrack(child)
}
