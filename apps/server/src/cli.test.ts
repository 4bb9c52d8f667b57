import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { type ChildServer, startChildServer } from './testing/child-server'
import { afterTest, tempDir } from './testing/per-test'
import { TEST_RECEIPT_KEY } from './testing/receipt-keys'
import { until } from './testing/until'

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-of-more-than-32-characters',
  RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY,
  LOG_LEVEL: 'warn',
}

describe('consent-sync serve in production', () => {
  async function serve(env: Record<string, string>): Promise<ChildServer> {
    const dir = await tempDir('consent-sync-cli-')
    const child = await startChildServer(path.join(dir, 'consent.db'), { ...PRODUCTION, ...env })
    afterTest(() => child.stop('SIGTERM'))
    await until(() => child.output.includes('metrics '), 10_000, 'the start output')
    return child
  }

  it('says that /metrics is open when no METRICS_TOKEN is set', async () => {
    const child = await serve({})
    expect(child.output).toMatch(/\/metrics \(open to anyone who reaches this port; set METRICS_TOKEN/)
    expect((await fetch(`${child.httpUrl}/metrics`)).status).toBe(200)
  })

  it('says that /metrics is protected when METRICS_TOKEN is set, and never prints the token', async () => {
    const token = 'scrape-token-0123456789abcdef'
    const child = await serve({ METRICS_TOKEN: token })
    expect(child.output).toMatch(/\/metrics \(protected: send Authorization: Bearer \$METRICS_TOKEN\)/)
    expect(child.output).not.toContain(token)
    expect((await fetch(`${child.httpUrl}/metrics`)).status).toBe(401)
    const scrape = await fetch(`${child.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    expect(scrape.status).toBe(200)
  })
})
