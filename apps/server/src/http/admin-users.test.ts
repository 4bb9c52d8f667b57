import { describe, expect, it } from 'vitest'
import { verifyAdminChain } from '../audit/admin-chain'
import { stockFor, testServer } from '../testing/per-test'
import { ADMIN, CSR_1 } from '../testing/server'
import { until } from '../testing/until'

const GOOD_PASSWORD = 'harbour-lantern-monsoon'

async function json(res: Response) {
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('built-in accounts (DESIGN §12)', () => {
  it('an admin creates an agent who signs in; the admin log names who created whom', async () => {
    const s = await testServer()
    const admin = s.token(ADMIN)
    const created = await json(
      await s.post(
        '/api/admin/users',
        { username: 'agent.perera', role: 'csr', name: 'Kamal Perera', password: GOOD_PASSWORD },
        admin,
      ),
    )
    expect(created.status).toBe(201)
    expect(created.body.account).toMatchObject({
      username: 'agent.perera',
      id: 'agent.perera',
      role: 'csr',
      disabled: false,
    })
    expect(JSON.stringify(created.body)).not.toContain('$2')
    const login = await s.post('/api/auth/login', { username: 'agent.perera', password: GOOD_PASSWORD })
    expect(login.status).toBe(200)
    const list = await json(await s.get('/api/admin/users', admin))
    const users = list.body.users as { username: string; passwordHash?: string }[]
    expect(users.map((u) => u.username)).toContain('agent.perera')
    expect(users.every((u) => u.passwordHash === undefined)).toBe(true)
    const log = await json(await s.get('/api/admin/audit', admin))
    const entries = log.body.entries as Parameters<typeof verifyAdminChain>[0]
    const entry = entries.at(-1)
    expect(entry).toMatchObject({ action: 'user.create', target: 'user:agent.perera', actorId: 'admin1' })
    expect(entry?.details).toEqual({ role: 'csr', name: 'Kamal Perera' })
    expect(verifyAdminChain(entries).ok).toBe(true)
  })

  it('refuses weak passwords, bad usernames, a taken username, and customers outside the directory', async () => {
    const s = await testServer()
    const admin = s.token(ADMIN)
    const attempt = (body: Record<string, unknown>) =>
      s.post(
        '/api/admin/users',
        { username: 'agent2', role: 'csr', name: 'Agent', password: GOOD_PASSWORD, ...body },
        admin,
      )
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [{ password: 'short' }, 400, 'password', /at least 12/],
      [{ password: 'password1234' }, 400, 'password', /too common/],
      [{ password: 'my-agent2-password' }, 400, 'password', /username/],
      [{ password: 'aaaaaaaaaaaaaaaa' }, 400, 'password', /too few characters/],
      [{ password: 'x'.repeat(73) }, 400, 'password', /72 bytes/],
      [{ username: 'has space' }, 400, 'username', /letters, digits/],
      [{ username: 'csr1' }, 409, 'username', /exists/],
      [{ role: 'customer', username: 'C-9999' }, 400, 'customerId', /not in the directory/],
      [{ role: 'customer', username: 'nimal', customerId: 'C-0001' }, 400, 'username', /customer id/],
      [{ customerId: 'C-0001' }, 400, 'customerId', /only a customer/],
      [{ role: 'root' }, 400, 'role', /.+/],
    ]
    const before = ((await json(await s.get('/api/admin/audit', admin))).body.entries as unknown[]).length
    for (const [body, status, field, message] of cases) {
      const res = await json(await attempt(body))
      expect({ body, status: res.status }).toEqual({ body, status })
      if (status !== 400 || field !== 'role') expect(res.body.field).toBe(field)
      expect(res.body.message).toMatch(message)
    }
    const after = ((await json(await s.get('/api/admin/audit', admin))).body.entries as unknown[]).length
    expect(after).toBe(before)
    // Only admins manage accounts; an agent and an auditor are refused.
    expect((await s.get('/api/admin/users', s.token(CSR_1))).status).toBe(403)
    expect((await s.get('/api/admin/users', s.token({ id: 'dpo', role: 'auditor' }))).status).toBe(403)
  })

  it('disabling an agent closes their open connections at once, refuses their tokens and their sign-in', async () => {
    const s = await testServer()
    const admin = s.token(ADMIN)
    const agentToken = await s.login('csr1')
    const first = stockFor(s, CSR_1, 'C-0001', { token: agentToken })
    const second = stockFor(s, CSR_1, 'C-0002', { token: agentToken })
    const bystander = stockFor(s, { id: 'csr2', role: 'csr' }, 'C-0001')
    await Promise.all([first.synced(), second.synced(), bystander.synced()])
    expect((await s.get('/api/customers?q=Nimal', agentToken)).status).toBe(200)

    const disabled = await json(await s.post('/api/admin/users/csr1/disable', {}, admin))
    expect(disabled.status).toBe(200)
    expect(disabled.body.account).toMatchObject({ username: 'csr1', disabled: true })
    await until(() => first.closes.length > 0 && second.closes.length > 0, 2000, 'both closed')
    expect(first.closes[0]).toEqual({ code: 4401, reason: 'unauthorized: account disabled' })
    expect(second.closes[0]?.code).toBe(4401)
    // 4401 is permanent: the stock client does not come back.
    await new Promise((r) => setTimeout(r, 500))
    expect(first.closes).toHaveLength(1)
    expect(bystander.closes).toEqual([])
    expect(await json(await s.get('/api/customers?q=Nimal', agentToken))).toMatchObject({
      status: 401,
      body: { message: 'the account is disabled' },
    })
    expect((await s.post('/api/auth/refresh', {}, agentToken)).status).toBe(401)
    const login = await json(await s.post('/api/auth/login', { username: 'csr1', password: 'consent-demo' }))
    expect(login).toMatchObject({ status: 401, body: { message: /disabled/ } })
    // Twice is a conflict; an admin cannot lock themselves out.
    expect((await s.post('/api/admin/users/csr1/disable', {}, admin)).status).toBe(409)
    expect((await s.post('/api/admin/users/admin1/disable', {}, admin)).status).toBe(400)
    expect((await s.post('/api/admin/users/nobody/disable', {}, admin)).status).toBe(404)

    // Enabled again: the same token works again.
    expect((await s.post('/api/admin/users/csr1/enable', {}, admin)).status).toBe(200)
    expect((await s.get('/api/customers?q=Nimal', agentToken)).status).toBe(200)
    const actions = (
      (await json(await s.get('/api/admin/audit', admin))).body.entries as { action: string }[]
    ).map((e) => e.action)
    expect(actions.slice(-2)).toEqual(['user.disable', 'user.enable'])
  })

  it('a password reset replaces the old password and is logged without it', async () => {
    const s = await testServer()
    const admin = s.token(ADMIN)
    const res = await json(await s.post('/api/admin/users/csr2/password', { password: GOOD_PASSWORD }, admin))
    expect(res.status).toBe(200)
    expect((await s.post('/api/auth/login', { username: 'csr2', password: 'consent-demo' })).status).toBe(401)
    expect((await s.post('/api/auth/login', { username: 'csr2', password: GOOD_PASSWORD })).status).toBe(200)
    const entries = (await json(await s.get('/api/admin/audit', admin))).body.entries as Record<
      string,
      unknown
    >[]
    expect(entries.at(-1)).toMatchObject({ action: 'user.reset-password', target: 'user:csr2', details: {} })
    expect(JSON.stringify(entries)).not.toContain(GOOD_PASSWORD)
  })

  it('an auditor reads and exports the audit log and the admin log, reads customers, and may not decide', async () => {
    const s = await testServer()
    const auditor = s.token({ id: 'dpo', role: 'auditor' })
    expect((await s.get('/api/audit', auditor)).status).toBe(200)
    expect((await s.get('/api/audit/export?format=jsonl', auditor)).status).toBe(200)
    expect((await s.get('/api/admin/audit', auditor)).status).toBe(200)
    expect((await s.get('/api/customers?q=C-0001', auditor)).status).toBe(200)
    expect((await s.get('/api/customers/C-0001/consents', auditor)).status).toBe(200)
    expect((await s.post('/api/admin/purposes/marketing-sms/retire', {}, auditor)).status).toBe(403)
    const reader = stockFor(s, { id: 'dpo', role: 'auditor' }, 'C-0001')
    await reader.synced()
    const { decideAs } = await import('../testing/decisions')
    decideAs(reader.doc, { id: 'dpo', role: 'csr' })
    await until(() => reader.closes.length > 0, 5000, 'auditor write refused')
    expect(reader.closes[0]?.code).toBe(4422)
    expect(reader.closes[0]?.reason).toMatch(/^read-only/)
  })
})
