import * as Y from 'yjs'
import { PROFILE_FIELDS } from './types'
import { type Rejected, reject } from './validation-result'

// biome-ignore lint/suspicious/noExplicitAny: Yjs types its event parameter as any; roots are only compared.
export type RootType = Y.AbstractType<any>

export function judgeNewStruct(
  struct: Y.Item | Y.GC,
  offset: number,
  decisionsType: RootType | undefined,
  profileType: RootType | undefined,
  newValues: unknown[],
  profile: Record<string, string>,
): Rejected | null {
  if (!(struct instanceof Y.Item)) {
    // SPEC 2.3: the schema has no nested types, so nothing a client sends is garbage-collected.
    return reject('bad-shape', 'garbage-collected content is not part of the schema')
  }
  const parent = struct.parent
  if (!(parent instanceof Y.AbstractType)) return reject('bad-shape', 'content outside any root type')
  const content = struct.content
  if (parent === decisionsType) {
    if (struct.parentSub !== null) return reject('bad-shape', '"decisions" is an array, not a map')
    if (struct.deleted || content instanceof Y.ContentDeleted) {
      return reject('delete-forbidden', 'decisions are append-only: a decision may not be deleted')
    }
    if (!(content instanceof Y.ContentAny)) {
      return reject('bad-shape', 'a decision must be a plain JSON object, not a shared type or binary')
    }
    newValues.push(...content.getContent().slice(offset))
    return null
  }
  if (parent === profileType) {
    const key = struct.parentSub
    if (key === null) return reject('bad-shape', '"profile" is a map, not an array')
    if (!Object.hasOwn(PROFILE_FIELDS, key))
      return reject('unknown-field', `profile field "${key}" is not in the schema`)
    // An overwritten value arrives already deleted: its content is gone and nothing to judge.
    if (content instanceof Y.ContentDeleted) return null
    const allowed: readonly string[] = PROFILE_FIELDS[key as keyof typeof PROFILE_FIELDS]
    // Overwritten values of one key may be merged into one item: each value must be allowed.
    const values = content instanceof Y.ContentAny ? content.getContent().slice(offset) : []
    const value = values.at(-1)
    if (values.length === 0 || !values.every((v) => typeof v === 'string' && allowed.includes(v))) {
      return reject('invalid-field', `profile field "${key}" must be one of ${allowed.join(', ')}`)
    }
    if (!struct.deleted) profile[key] = value as string
    return null
  }
  if (parent._item === null) {
    return reject('unknown-root', `root type "${Y.findRootTypeKey(parent)}" is not in the schema`)
  }
  return reject('bad-shape', 'nested shared types are not part of the schema')
}

export function judgeDeletion(
  struct: Y.Item | Y.GC,
  decisionsType: RootType | undefined,
  profileType: RootType | undefined,
): Rejected | null {
  if (!(struct instanceof Y.Item)) return null
  if (struct.parent === decisionsType) {
    return reject('delete-forbidden', 'decisions are append-only: a decision may not be deleted')
  }
  if (struct.parent === profileType && profileType && struct.parentSub !== null) {
    // SPEC 2.8: a profile value may be replaced, never removed.
    const current = profileType._map.get(struct.parentSub)
    if (current === undefined || current.deleted) {
      return reject('delete-forbidden', `profile field "${struct.parentSub}" may be changed but not removed`)
    }
    return null
  }
  return reject('delete-forbidden', 'this update deletes content the schema does not let anyone delete')
}
