import AjvCompiler from '@fastify/ajv-compiler'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type BuildValidator = NonNullable<CompilersFactory['buildValidator']>
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>

/** What Fastify calls a compiled validator with, and reads back after a `false` (ajv's shape). */
interface Validator {
  (data: unknown, context?: unknown): unknown
  errors?: unknown
  schemaEnv?: unknown
}

/**
 * Fastify's own compilers (ajv for request schemas, fast-json-stringify for responses) with each
 * route's schemas compiled on the route's first request instead of at start: compiling every
 * route's schemas was a sixth of start → ready, which a restart under a reconnect storm waits for.
 * The compiled functions are the same ones Fastify would have built, with the same options.
 * `compileAll()` builds whatever is still pending (the schema test uses it to find a bad schema
 * without a request to every route).
 */
export function lazySchemaCompilers(): { compilersFactory: CompilersFactory; compileAll(): number } {
  const pending = new Set<() => unknown>()
  // Fastify's defaults: one pool of compilers each, keyed by external schemas and options.
  let validators: BuildValidator | undefined
  let serializers: BuildSerializer | undefined
  const buildValidator: BuildValidator = (externalSchemas, options) => {
    let compiler: ReturnType<BuildValidator> | undefined
    return (route) => {
      let compiled: Validator | undefined
      const build = () => {
        pending.delete(build)
        validators ??= AjvCompiler()
        compiler ??= validators(externalSchemas, options)
        compiled ??= compiler(route) as Validator
        return compiled
      }
      pending.add(build)
      // Fastify passes ajv's root context (so a root value can be coerced) when `schemaEnv` is set.
      const validate: Validator = (data, context) => {
        const fn = build()
        const result = fn(data, context)
        validate.errors = fn.errors
        return result
      }
      validate.schemaEnv = true
      return validate as ReturnType<ReturnType<BuildValidator>>
    }
  }
  const buildSerializer: BuildSerializer = (externalSchemas, options) => {
    let compiler: ReturnType<BuildSerializer> | undefined
    return (route) => {
      let compiled: ((data: unknown) => string) | undefined
      const build = () => {
        pending.delete(build)
        serializers ??= SerializerSelector()
        compiler ??= serializers(externalSchemas, options)
        compiled ??= compiler(route) as (data: unknown) => string
        return compiled
      }
      pending.add(build)
      return (data: unknown) => build()(data)
    }
  }
  return {
    compilersFactory: { buildValidator, buildSerializer },
    compileAll() {
      const n = pending.size
      for (const build of [...pending]) build()
      return n
    },
  }
}
