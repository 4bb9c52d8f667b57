import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../config'
import { STANDARD_RETRY_SCHEDULE } from './webhook-config'

describe('webhook configuration', () => {
  it('defaults to the Standard Webhooks schedule, 10 s attempts, 4 in flight per endpoint, a 24 h overlap', () => {
    const { webhooks } = loadConfig({})
    expect(webhooks.retryScheduleSeconds).toEqual(STANDARD_RETRY_SCHEDULE)
    expect(webhooks).toMatchObject({
      attemptTimeoutMs: 10_000,
      maxInFlightPerEndpoint: 4,
      rotationOverlapSeconds: 86_400,
      requireHttps: false,
      secretKeySource: 'jwt-secret',
      allowedHosts: [],
    })
  })

  it('reads the schedule, the allow-list and the sealing key', () => {
    const { webhooks } = loadConfig({
      WEBHOOK_RETRY_SCHEDULE: '0,1,1,2',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, LocalHost,[::1]',
      WEBHOOK_SECRET_KEY: 'k'.repeat(32),
    })
    expect(webhooks.retryScheduleSeconds).toEqual([0, 1, 1, 2])
    expect(webhooks.allowedHosts).toEqual(['127.0.0.1', 'localhost', '::1'])
    expect(webhooks.secretKeySource).toBe('env')
    // The key derived from JWT_SECRET still opens what it sealed before WEBHOOK_SECRET_KEY was set.
    expect(webhooks.previousSecretKeys).toHaveLength(1)
  })

  it.each([
    ['WEBHOOK_RETRY_SCHEDULE', '0,,5'],
    ['WEBHOOK_RETRY_SCHEDULE', '0,-1'],
    ['WEBHOOK_TIMEOUT_MS', '5'],
    ['WEBHOOK_SECRET_KEY', 'short'],
    ['WEBHOOK_ALLOW_PRIVATE', 'maybe'],
    ['WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT', '0'],
  ])('names %s when it is %s', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [variable]: value })).toThrow(variable)
  })

  it('requires https in production', () => {
    const { webhooks } = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), DEMO: 'false' })
    expect(webhooks.requireHttps).toBe(true)
  })
})
