import { useId } from "react";
import type { EventSummary } from "../events.ts";
import { formatDateTime, isSaleOpen } from "../format.ts";
import { paths } from "../router.ts";
import { Link } from "./Link.tsx";

/** One event in the list: name, venue, dates and whether tickets are on sale. */
export function EventCard({ event, now }: { event: EventSummary; now: Date }) {
  const onSale = isSaleOpen(event.saleOpensAt, event.saleClosesAt, now);
  // useId, not the event id: ids from the API may contain characters invalid in an id reference.
  const headingId = useId();
  return (
    <article className="event-card" aria-labelledby={headingId}>
      <h3 id={headingId} className="event-card__name">
        <Link href={paths.event(event.eventId)}>{event.name}</Link>
      </h3>
      <dl className="event-card__facts">
        {event.venue !== undefined && (
          <div>
            <dt>Venue</dt>
            <dd>{event.venue}</dd>
          </div>
        )}
        {event.startsAt !== undefined && (
          <div>
            <dt>Starts</dt>
            <dd>
              <time dateTime={event.startsAt}>{formatDateTime(event.startsAt)}</time>
            </dd>
          </div>
        )}
        {event.saleOpensAt !== undefined && (
          <div>
            <dt>Sale opens</dt>
            <dd>
              <time dateTime={event.saleOpensAt}>{formatDateTime(event.saleOpensAt)}</time>
            </dd>
          </div>
        )}
        {event.availableSeats !== undefined && (
          <div>
            <dt>Seats left</dt>
            <dd>{event.availableSeats.toLocaleString()}</dd>
          </div>
        )}
      </dl>
      <p className={onSale ? "badge badge--open" : "badge"}>{onSale ? "On sale now" : "Not on sale yet"}</p>
    </article>
  );
}
