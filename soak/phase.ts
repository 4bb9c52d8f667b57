/**
 * The fault phase's clock: on until its end or until stopped, muted during steady windows, with
 * pauses that end early once it stops and loops that act at random intervals while it runs.
 */
import type { Rng } from './rng'

type Range = readonly [number, number]

export class Phase {
  stopped = false
  /** On during a steady window: no faults, and the window makes its own decisions. */
  quiet = false
  private endsAt = Number.POSITIVE_INFINITY

  /** The phase ends `ms` from now. */
  endIn(ms: number): void {
    this.endsAt = Date.now() + ms
  }

  get running(): boolean {
    return !this.stopped && Date.now() < this.endsAt
  }

  /** A sleep that ends early once the phase is stopped. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const deadline = Date.now() + ms
      const tick = () => {
        if (this.stopped || Date.now() >= deadline) resolve()
        else setTimeout(tick, Math.min(100, deadline - Date.now()))
      }
      tick()
    })
  }

  /** While the phase runs: wait an interval drawn from `every`, then `act`, unless a steady window is on. */
  async repeat(rng: Rng, every: Range, act: (rng: Rng) => unknown): Promise<void> {
    while (this.running) {
      await this.pause(rng.between(...every))
      if (!this.running) break
      if (this.quiet) continue
      await act(rng)
    }
  }
}
