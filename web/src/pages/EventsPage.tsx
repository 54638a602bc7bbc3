import { useCallback, useEffect, useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { EventCard } from "../components/EventCard.tsx";
import { type EventSummary, fetchEvents } from "../events.ts";

type LoadState =
  | { status: "loading" }
  | { status: "failed"; error: unknown }
  | { status: "loaded"; events: EventSummary[]; at: Date };

/** Lists upcoming events; loading, empty and failure each get a visible, announced message. */
export function EventsPage() {
  const [state, setState] = useState<LoadState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  // `attempt` is a dependency only so "Try again" re-runs the effect.
  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt re-triggers the load on retry
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    fetchEvents({ signal: controller.signal }).then(
      (events) => setState({ status: "loaded", events, at: new Date() }),
      (error: unknown) => {
        // Aborts come from unmount or a newer attempt; the newer attempt owns the state.
        if (!controller.signal.aborted) setState({ status: "failed", error });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  return (
    <section aria-labelledby="events-heading" aria-busy={state.status === "loading"}>
      <h2 id="events-heading">Upcoming events</h2>
      {state.status === "loading" && (
        <p className="notice" role="status">
          Loading events…
        </p>
      )}
      {state.status === "failed" && <ErrorNotice error={state.error} onRetry={retry} />}
      {state.status === "loaded" && state.events.length === 0 && (
        <p className="notice" role="status">
          No events are on the calendar right now. Check back soon.
        </p>
      )}
      {state.status === "loaded" && state.events.length > 0 && (
        <ul className="event-list">
          {state.events.map((event) => (
            <li key={event.eventId}>
              <EventCard event={event} now={state.at} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
