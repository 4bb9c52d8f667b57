import type { FastifyInstance, FastifyReply } from 'fastify'
import { bearerSecurity, requireRole } from '../auth/guards'
import { encodeLeaf } from '../checkpoints/leaf'
import { LogTree } from '../checkpoints/log-tree'
import type { Checkpoints } from '../checkpoints/service'
import { problemResponses, sendProblem } from './errors'

const b64 = (b: Buffer) => b.toString('base64')
const size = { type: 'integer', minimum: 0 } as const

function sendNote(reply: FastifyReply, note: string) {
  return reply.type('text/plain; charset=utf-8').send(note)
}

/**
 * The checkpoint routes (DESIGN.md §12 "Evidence", docs/checkpoints.md): signed checkpoints as C2SP
 * tlog-checkpoint text, the key that signs them, inclusion proofs of a customer's head and
 * consistency proofs between sizes, and a checkpoint on demand for an administrator.
 */
export function registerCheckpointRoutes(app: FastifyInstance, checkpoints: Checkpoints): void {
  const { log } = checkpoints
  const noKey = (reply: FastifyReply) =>
    sendProblem(reply, 503, 'this server signs no checkpoints: CHECKPOINT_SIGNING_KEY is not set')

  app.get('/api/checkpoints/latest', { schema: { tags: ['checkpoints'] } }, async (_req, reply) => {
    const latest = await log.latestCheckpoint()
    if (!latest) return sendProblem(reply, 404, 'no checkpoint has been signed yet')
    return sendNote(reply, latest.note)
  })

  app.get('/api/checkpoints/key', { schema: { tags: ['checkpoints'] } }, async (_req, reply) => {
    const signer = checkpoints.config.signer
    if (!signer) return noKey(reply)
    return {
      name: signer.name,
      verifierKey: signer.verifierKey,
      jwk: { kty: 'OKP', crv: 'Ed25519', x: signer.publicKey.toString('base64url'), use: 'sig' },
    }
  })

  app.get<{ Querystring: { customerId: string; size?: number } }>(
    '/api/checkpoints/proof',
    {
      schema: {
        tags: ['checkpoints'],
        security: bearerSecurity,
        querystring: {
          type: 'object',
          required: ['customerId'],
          properties: { customerId: { type: 'string', minLength: 1, maxLength: 64 }, size },
        },
        response: problemResponses(400, 401, 403, 404),
      },
      preHandler: requireRole(app, ['customer', 'csr', 'admin', 'auditor']),
    },
    async (request, reply) => {
      const { customerId } = request.query
      const user = request.user
      if (user?.role === 'customer' && user.customerId !== customerId) {
        return sendProblem(reply, 403, 'a customer may ask only for their own proof', 'customerId')
      }
      const tree = new LogTree(await log.checkpointLeaves())
      const at = request.query.size ?? (await log.latestCheckpoint())?.size ?? 0
      const checkpoint = await log.checkpointAt(at)
      if (!checkpoint) return sendProblem(reply, 404, `no checkpoint of size ${at}`, 'size')
      const index = tree.lastIndexOf(customerId, at)
      if (index < 0)
        return sendProblem(reply, 404, `checkpoint ${at} holds no head of ${customerId}`, 'customerId')
      const leaf = tree.leaves[index]
      if (!leaf) return sendProblem(reply, 404, `no leaf ${index}`)
      return {
        customerId,
        seq: leaf.seq,
        hash: leaf.hash,
        leafIndex: index,
        treeSize: at,
        leaf: b64(encodeLeaf(leaf)),
        proof: tree.inclusion(index, at).map(b64),
        checkpoint: checkpoint.note,
      }
    },
  )

  app.get<{ Querystring: { from: number; to: number } }>(
    '/api/checkpoints/consistency',
    {
      schema: {
        tags: ['checkpoints'],
        querystring: { type: 'object', required: ['from', 'to'], properties: { from: size, to: size } },
        response: problemResponses(400, 404),
      },
    },
    async (request, reply) => {
      const { from, to } = request.query
      if (from > to) return sendProblem(reply, 400, `from ${from} is after to ${to}`, 'from')
      const tree = new LogTree(await log.checkpointLeaves())
      if (to > tree.size) return sendProblem(reply, 404, `the log has ${tree.size} leaves, not ${to}`, 'to')
      return { from, to, proof: tree.consistency(from, to).map(b64) }
    },
  )

  app.get<{ Querystring: { from?: number; to?: number } }>(
    '/api/checkpoints/leaves',
    {
      schema: {
        tags: ['checkpoints'],
        security: bearerSecurity,
        querystring: { type: 'object', properties: { from: size, to: size } },
        response: problemResponses(400, 401, 403, 404),
      },
      preHandler: requireRole(app, ['admin', 'auditor']),
    },
    async (request, reply) => {
      const leaves = await log.checkpointLeaves()
      const { from = 0, to = leaves.length } = request.query
      if (from > to) return sendProblem(reply, 400, `from ${from} is after to ${to}`, 'from')
      if (to > leaves.length)
        return sendProblem(reply, 404, `the log has ${leaves.length} leaves, not ${to}`, 'to')
      return { from, to, leaves: leaves.slice(from, to) }
    },
  )

  app.get<{ Params: { size: number } }>(
    '/api/checkpoints/:size',
    { schema: { tags: ['checkpoints'], params: { type: 'object', properties: { size } } } },
    async (request, reply) => {
      const cp = await log.checkpointAt(request.params.size)
      if (!cp) return sendProblem(reply, 404, `no checkpoint of size ${request.params.size}`, 'size')
      return sendNote(reply, cp.note)
    },
  )

  app.post(
    '/api/admin/checkpoints',
    {
      schema: { tags: ['checkpoints'], security: bearerSecurity, response: problemResponses(401, 403, 503) },
      preHandler: requireRole(app, ['admin']),
    },
    async (_request, reply) => {
      const cp = await checkpoints.make()
      if (!cp) return noKey(reply)
      return reply
        .code(201)
        .send({ size: cp.size, root: cp.root, createdAt: cp.createdAt, checkpoint: cp.note })
    },
  )
}
