import { userInfo } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSqliteStore } from '../store/sqlite'
import { runCli, startChildServer } from '../testing/child-server'
import { stockClient } from '../testing/clients'
import { afterTest, tempDir } from '../testing/per-test'
import { until } from '../testing/until'

const PASSWORD = 'tea-estate-nuwara-eliya'

describe('consent-sync users', () => {
  it('adds, lists, resets and disables accounts, each change in the admin log as the operating-system user', async () => {
    const db = path.join(await tempDir('consent-sync-users-'), 'consent.db')
    const add = await runCli(
      ['users', 'add', 'dpo.silva', '--role', 'auditor', '--name', 'R. Silva', '--password-stdin'],
      db,
      {},
      20_000,
      `${PASSWORD}\n`,
    )
    expect(add.stderr).toBe('')
    expect(add).toMatchObject({ code: 0 })
    expect(add.stdout).toMatch(/^created auditor account dpo.silva \(admin log entry \d+\)/)

    const weak = await runCli(
      ['users', 'add', 'agent9', '--role', 'csr', '--name', 'A', '--password-stdin'],
      db,
      {},
      20_000,
      'short\n',
    )
    expect(weak.code).toBe(1)
    expect(weak.stderr).toMatch(/password: the password must be at least 12 characters/)
    const noPassword = await runCli(['users', 'add', 'agent9', '--role', 'csr', '--name', 'A'], db)
    expect(noPassword.code).toBe(1)
    expect(noPassword.stderr).toMatch(/--password-stdin/)
    const badRole = await runCli(
      ['users', 'add', 'agent9', '--role', 'root', '--name', 'A', '--password-stdin'],
      db,
      {},
      20_000,
      PASSWORD,
    )
    expect(badRole.code).toBe(1)
    expect(badRole.stderr).toMatch(/Allowed choices are customer, csr, admin, auditor, service/)

    const list = await runCli(['users', 'list', '--json'], db)
    const accounts = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(accounts.find((a) => a.username === 'dpo.silva')).toMatchObject({
      role: 'auditor',
      name: 'R. Silva',
      disabled: false,
    })
    expect(list.stdout).not.toContain('passwordHash')

    expect(
      (
        await runCli(
          ['users', 'reset-password', 'dpo.silva', '--password-stdin'],
          db,
          {},
          20_000,
          `${PASSWORD}-2`,
        )
      ).code,
    ).toBe(0)
    const disable = await runCli(['users', 'disable', 'dpo.silva'], db)
    expect(disable.code).toBe(0)
    expect((await runCli(['users', 'disable', 'dpo.silva'], db)).stderr).toMatch(/already disabled/)
    expect((await runCli(['users', 'disable', 'nobody'], db)).stderr).toMatch(/no account named nobody/)
    const table = await runCli(['users', 'list'], db)
    expect(table.stdout).toMatch(/^dpo\.silva\tauditor\tdisabled\tR\. Silva$/m)
    expect(table.stderr).toMatch(/accounts/)

    const store = createSqliteStore({ path: db })
    afterTest(() => store.close())
    const log = await store.adminLog()
    expect(log.map((e) => [e.action, e.target])).toEqual([
      ['user.create', 'user:dpo.silva'],
      ['user.reset-password', 'user:dpo.silva'],
      ['user.disable', 'user:dpo.silva'],
    ])
    expect(log.every((e) => e.actorId === `cli:${userInfo().username}` && e.actorRole === 'operator')).toBe(
      true,
    )
  })

  it('a disable from the command line closes the account’s connections on the running server', async () => {
    const db = path.join(await tempDir('consent-sync-users-'), 'consent.db')
    const server = await startChildServer(db, { CATCH_UP_INTERVAL_MS: '200' })
    afterTest(() => server.stop('SIGTERM'))
    const client = stockClient(server.syncUrl, 'C-0001', await server.login('csr1'))
    afterTest(() => client.destroy())
    await client.synced()
    expect((await runCli(['users', 'disable', 'csr1'], db)).code).toBe(0)
    await until(() => client.closes.length > 0, 5000, 'the agent disconnected')
    expect(client.closes[0]).toEqual({ code: 4401, reason: 'unauthorized: account disabled' })
  })
})
