import { onTestFinished } from 'vitest'
import type { StoreLifecycle } from '../store'

/**
 * What an adapter's test gives the suites: `open()` opens a store on one fresh set of data (called
 * again, another store on the same data, as after a restart); `cleanup` closes every store it
 * opened and removes the data.
 */
export interface StoreFixture<S extends StoreLifecycle> {
  open: () => S
  cleanup: () => Promise<void>
}

export type MakeStore<S extends StoreLifecycle> = () => Promise<StoreFixture<S>>

/** A fixture that is cleaned up when the test finishes, and a migrated store on it. */
export function fixtures<S extends StoreLifecycle>(makeStore: MakeStore<S>) {
  async function fixture(): Promise<StoreFixture<S>> {
    const f = await makeStore()
    onTestFinished(f.cleanup)
    return f
  }
  async function setup(): Promise<S> {
    const store = (await fixture()).open()
    await store.migrate()
    return store
  }
  return { fixture, setup }
}
