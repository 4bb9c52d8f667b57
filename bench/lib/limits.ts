/**
 * Open files: every connection is a descriptor in the server and one in the load generator, so
 * 20 000 connections need more than 20 000 of them in each process. Node raises its soft limit to
 * the hard one when it starts; the harness starts its children through `sh -c 'ulimit -n 65536'`,
 * which raises the hard limit too where that is allowed (root with CAP_SYS_RESOURCE) and changes
 * nothing where it is not.
 */
import { execFileSync } from 'node:child_process'

export const WANTED_OPEN_FILES = 65_536

const RAISE = `ulimit -n ${WANTED_OPEN_FILES} 2>/dev/null`

/** The command and arguments to spawn so that `command args…` runs with the raised limit (same pid: `exec`). */
export function withOpenFilesRaised(command: string, args: readonly string[]): [string, string[]] {
  return ['/bin/sh', ['-c', `${RAISE}; exec "$0" "$@"`, command, ...args]]
}

/** The hard limit on open files a child started through `withOpenFilesRaised` gets. */
export function childOpenFiles(): number {
  const out = execFileSync('/bin/sh', ['-c', `${RAISE}; ulimit -Hn`], { encoding: 'utf8' }).trim()
  return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out)
}
