import { useStore } from 'zustand'
import type { Replica } from './replica'

/** The side's "Offline" switch: on, its edits stay on its own replica until switched off again. */
export function OfflineSwitch({ replica }: { replica: Replica }) {
  const online = useStore(replica.link, (s) => s.online)
  const who = replica.side === 'customer' ? "the customer's phone" : "the agent's computer"
  return (
    <button
      type="button"
      role="switch"
      aria-checked={!online}
      aria-label={`Offline: cut ${who} from the hub`}
      className="demo-offline"
      data-testid={`offline-${replica.side}`}
      onClick={() => replica.setOnline(!online)}
    >
      <span className="demo-offline-track" aria-hidden="true">
        <span className="demo-offline-thumb" />
      </span>
      <span>{online ? 'Online' : 'Offline'}</span>
    </button>
  )
}
