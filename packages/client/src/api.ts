/**
 * The HTTP shapes the client speaks, from the generated api-types.ts where the server's OpenAPI
 * document has the route, else from the hand-written api-pending.ts.
 */
import type * as Pending from './api-pending.js'
import type { paths } from './api-types.js'

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never

type ResponseOf<Path extends string, Method extends string, Fallback> = Path extends keyof paths
  ? Method extends keyof paths[Path]
    ? paths[Path][Method] extends { responses: { 200: infer Ok } }
      ? JsonOf<Ok>
      : Fallback
    : Fallback
  : Fallback

type RequestOf<Path extends string, Method extends string, Fallback> = Path extends keyof paths
  ? Method extends keyof paths[Path]
    ? paths[Path][Method] extends { requestBody: infer Body }
      ? JsonOf<Body>
      : Fallback
    : Fallback
  : Fallback

/** `GET /api/customers/:id/consents`. */
export type ConsentsResponse = ResponseOf<'/api/customers/{id}/consents', 'get', never>
export type CustomerConsent = ConsentsResponse['purposes'][number]

/** `POST /api/consents/check`. */
export type CheckRequest = RequestOf<'/api/consents/check', 'post', Pending.CheckRequest>
export type CheckResponse = ResponseOf<'/api/consents/check', 'post', Pending.CheckResponse>
export type CheckResult = CheckResponse['results'][number]

/** A line of `GET /api/purposes/:id/allowed?format=jsonl`. */
export type AllowedRow = Pending.AllowedRow

/** Every error answer: `{error, message, field?}`. */
export interface Problem {
  error: string
  message: string
  field?: string
}
