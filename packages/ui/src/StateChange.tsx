/** `withdrawn → granted`, each state a labelled chip, so colour is not the only cue. */
export function StateChange({ from, to }: { from: string; to: string }) {
  return (
    <span className="cs-state-change">
      <span className={`cs-chip cs-chip-${from}`}>{from}</span>
      <span aria-hidden="true"> → </span>
      <span className="cs-visually-hidden"> to </span>
      <span className={`cs-chip cs-chip-${to}`}>{to}</span>
    </span>
  )
}
