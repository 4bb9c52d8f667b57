/** Small synchronous key-value storage for what is not a Y.Doc (the hub's audit chain, the offline switches). */
export interface KeyValueStore {
  get(key: string): string | null
  set(key: string, value: string): void
  /** Removes every key starting with `prefix`. */
  clear(prefix: string): void
}

/** Every key of the demo starts with this, so "Reset demo" can find them. */
export const PREFIX = 'consent-sync-demo/'

export function memoryStore(): KeyValueStore {
  const map = new Map<string, string>()
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    clear(prefix) {
      for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key)
    },
  }
}

/** localStorage; a blocked or full storage makes the demo forget on reload, nothing worse. */
export function browserStore(): KeyValueStore {
  return {
    get(key) {
      try {
        return localStorage.getItem(key)
      } catch {
        return null
      }
    },
    set(key, value) {
      try {
        localStorage.setItem(key, value)
      } catch {
        // Not kept across a reload; the page still works.
      }
    },
    clear(prefix) {
      try {
        const keys: string[] = []
        for (let i = 0; i < localStorage.length; i++) {
          const key = localStorage.key(i)
          if (key?.startsWith(prefix)) keys.push(key)
        }
        for (const key of keys) localStorage.removeItem(key)
      } catch {
        // Nothing stored, nothing to clear.
      }
    },
  }
}
