/** A JSON schema of an object every property of which is required, in the order they are listed. */
export function objectOf<const P extends Record<string, unknown>>(properties: P) {
  return { type: 'object', required: Object.keys(properties) as (keyof P & string)[], properties } as const
}
