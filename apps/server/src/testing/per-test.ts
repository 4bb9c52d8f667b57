import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { onTestFinished } from 'vitest'
import type * as Y from 'yjs'
import { rawClient, stockClient } from './clients'
import { startTestServer, type TestServer, type TestServerOptions, type TokenUser } from './server'

// Helpers bound to the vitest test that calls them, undone when it finishes. Not exported from
// the kit's index, which scripts outside vitest (the soak, the benchmarks) import.

/** A fresh directory under the system's temp dir, removed when the current test finishes. */
export async function tempDir(prefix = 'consent-sync-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** `startTestServer`, closed when the current test finishes. */
export async function testServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await startTestServer(options)
  onTestFinished(() => server.cleanup())
  return server
}

/** Runs `undo` when the current test finishes, after whatever was registered later (a stack). */
export function afterTest(undo: () => unknown): void {
  onTestFinished(async () => {
    await undo()
  })
}

/** Where a test's clients connect: a test server, or anything with its sync URL and token signing. */
type SyncTarget = Pick<TestServer, 'syncUrl' | 'token'>

/** A raw protocol client of `user` on the customer's document, closed when the test finishes. */
export async function rawFor(server: SyncTarget, user: TokenUser, customerId = 'C-0001') {
  const client = await rawClient(
    `${server.syncUrl}/${customerId}?token=${encodeURIComponent(server.token(user))}`,
  )
  afterTest(() => client.close())
  return client
}

/** The stock y-websocket client of `user` on the customer's document, destroyed when the test finishes. */
export function stockFor(
  server: SyncTarget,
  user: TokenUser,
  customerId = 'C-0001',
  options: { acks?: boolean; doc?: Y.Doc; token?: string } = {},
) {
  const token = options.token ?? server.token(user)
  const client = stockClient(server.syncUrl, customerId, token, options.doc, { acks: options.acks ?? false })
  afterTest(() => client.destroy())
  return client
}
