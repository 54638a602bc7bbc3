import { EventCard } from "../components/EventCard.tsx";
import { LoadNotice } from "../components/LoadNotice.tsx";
import { fetchEvents } from "../events.ts";
import { useLoad } from "../hooks.ts";

/** Lists upcoming events; loading, empty and failure each get a visible, announced message. */
export function EventsPage() {
  const { state, retry } = useLoad(
    async (signal) => ({ events: await fetchEvents({ signal }), at: new Date() }),
    [],
  );
  return (
    <section aria-labelledby="events-heading" aria-busy={state.status === "loading"}>
      <h2 id="events-heading">Upcoming events</h2>
      <LoadNotice state={state} loading="Loading events…" onRetry={retry} />
      {state.status === "ready" && state.value.events.length === 0 && (
        <p className="notice" role="status">
          No events are on the calendar right now. Check back soon.
        </p>
      )}
      {state.status === "ready" && state.value.events.length > 0 && (
        <ul className="event-list">
          {state.value.events.map((event) => (
            <li key={event.eventId}>
              <EventCard event={event} now={state.value.at} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
