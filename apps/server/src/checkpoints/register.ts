import type { FastifyInstance } from 'fastify'
import type { Config } from '../config'
import { registerCheckpointRoutes } from '../http/checkpoints'
import type { Store } from '../store/store'
import { resolveCheckpointConfig } from './checkpoint-config'
import { type Checkpoints, openCheckpointLog, startCheckpoints } from './service'

/** Starts the server's checkpoints (periodic and on demand) and serves their routes; stopped on close. */
export async function registerCheckpoints(
  app: FastifyInstance,
  config: Config,
  store: Store,
): Promise<Checkpoints> {
  const checkpoints = await startCheckpoints({
    heads: store,
    log: await openCheckpointLog(config, app.log),
    config: resolveCheckpointConfig(config),
    logger: app.log,
  })
  // Before the store closes: a checkpoint under way reads heads from it.
  app.addHook('preClose', async () => checkpoints.stop())
  registerCheckpointRoutes(app, checkpoints)
  const signer = checkpoints.config.signer
  // Published beside the receipt keys; kid is the signed-note key id, name+hash.
  if (signer) {
    app.ctx.keys.add('checkpoint', {
      kty: 'OKP',
      crv: 'Ed25519',
      x: signer.publicKey.toString('base64url'),
      kid: signer.verifierKey.split('+').slice(0, 2).join('+'),
    })
  }
  return checkpoints
}
