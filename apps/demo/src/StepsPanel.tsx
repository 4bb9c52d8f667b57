import { useState } from 'react'
import { STEPS, type StepContext } from './script'

/** The presenter's script: one instruction per step, and a button that does it. */
export function StepsPanel({ context }: { context: StepContext }) {
  const [done, setDone] = useState<ReadonlySet<number>>(new Set())
  return (
    <nav className="demo-steps" data-testid="demo-steps" aria-labelledby="demo-steps-title">
      <h2 id="demo-steps-title">Guided script</h2>
      <ol>
        {STEPS.map((step, i) => {
          const n = i + 1
          return (
            <li key={step.title} data-testid={`demo-step-${n}`} data-done={String(done.has(n))}>
              <h3>
                <span className="demo-step-n">{n}</span> {step.title}
                {done.has(n) ? <span className="demo-step-done"> ✓</span> : null}
              </h3>
              <p>{step.text}</p>
              <button
                type="button"
                className="cs-button demo-step-run"
                data-testid={`demo-run-${n}`}
                onClick={() => {
                  step.run(context)
                  setDone((prev) => new Set(prev).add(n))
                }}
              >
                Do it for me
              </button>
            </li>
          )
        })}
      </ol>
    </nav>
  )
}
