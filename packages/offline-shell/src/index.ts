export type { OfflineShellPlugin, ShellBase } from './plugin'
export { offlineShell, serviceWorkerSource, shellBase } from './plugin'
export { registerOfflineShell } from './register'
