/** `granted → withdrawn`, each state marked so colour is not the only cue. */
export function StateChange({ from, to }: { from: string; to: string }) {
  return (
    <span className="csr-change">
      <span className={`csr-state csr-state-${from}`}>{from}</span>
      <span aria-hidden="true"> → </span>
      <span className="csr-visually-hidden"> to </span>
      <span className={`csr-state csr-state-${to}`}>{to}</span>
    </span>
  )
}
