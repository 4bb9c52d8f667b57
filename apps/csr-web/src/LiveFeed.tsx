import type { PurposeCatalog } from '@consent-sync/consent-core'
import { localTimeOfDay, purposeTitle, StateChange } from '@consent-sync/ui'
import type { FeedItem } from './feedEvent'
import type { FeedStatus } from './useFeed'

interface Props {
  items: FeedItem[]
  status: FeedStatus
  catalog: PurposeCatalog
  onOpen(customerId: string): void
}

const STATUS_TEXT: Readonly<Record<FeedStatus, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
}

/** Decisions as the server accepts them, for every customer, newest first. */
export function LiveFeed({ items, status, catalog, onOpen }: Props) {
  return (
    <section className="csr-card csr-feed" aria-labelledby="feed-title">
      <div className="csr-card-head">
        <h2 id="feed-title" className="csr-card-title" tabIndex={-1}>
          Live feed
        </h2>
        <span className={`csr-feed-status csr-feed-${status}`} data-testid="feed-status" data-status={status}>
          {STATUS_TEXT[status]}
        </span>
      </div>
      {items.length === 0 && (
        <p className="cs-muted">Decisions appear here as customers and agents make them.</p>
      )}
      <ol className="csr-feed-list" data-testid="feed" aria-live="polite" aria-relevant="additions">
        {items.map(({ key, event }) => {
          const { consent, updatedBy } = event
          return (
            <li
              key={key}
              className="csr-feed-item"
              data-testid="feed-item"
              data-customer={consent.customerId}
              data-purpose={consent.purposeId}
              data-state={consent.state}
              data-conflicted={consent.conflicted}
            >
              <div className="csr-feed-line">
                <button
                  type="button"
                  className="csr-link"
                  onClick={() => onOpen(consent.customerId)}
                  aria-label={`Open customer ${consent.customerId}`}
                >
                  {consent.customerId}
                </button>
                <time dateTime={event.timestamp} className="cs-muted">
                  {localTimeOfDay(event.timestamp)}
                </time>
              </div>
              <div className="csr-feed-purpose">{purposeTitle(catalog, consent.purposeId)}</div>
              <div className="csr-feed-line">
                <StateChange from={consent.previousState} to={consent.state} />
                {consent.conflicted && (
                  <span
                    className="cs-conflict-tag"
                    title="Concurrent decisions: the withdrawal wins until someone decides again"
                  >
                    conflicted
                  </span>
                )}
              </div>
              <div className="cs-muted csr-feed-who">
                {updatedBy.userName} ({updatedBy.userType}) · {consent.channel}
              </div>
            </li>
          )
        })}
      </ol>
    </section>
  )
}
