import { useCallback, useRef, useState } from "react";
import { AdmissionStore, placeHold, RequestKeys } from "../admission.ts";
import { ApiError } from "../api.ts";
import { useAuth } from "../auth.tsx";
import { enterQueue, getAvailability, getEvent, type HoldRequest, holdSeats } from "../buyer-api.ts";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { Link } from "../components/Link.tsx";
import { LoadNotice } from "../components/LoadNotice.tsx";
import { QuickPick } from "../components/QuickPick.tsx";
import { SeatMap } from "../components/SeatMap.tsx";
import { SectionPicker } from "../components/SectionPicker.tsx";
import { SelectionSummary } from "../components/SelectionSummary.tsx";
import { SignInPrompt } from "../components/SignInPrompt.tsx";
import { useLoad, usePoll, useTitle } from "../hooks.ts";
import { PlaceStore, type StoredPlace } from "../queue/place-store.ts";
import { WatchTokens } from "../queue/purchase-push.ts";
import { navigate, paths } from "../router.ts";
import { describeSeat, MAX_SEATS, reconcileSelection, toggleSeat } from "../seats.ts";
import type { Availability, EventDetail } from "../types.ts";

/**
 * How often the seat map is refreshed. Two seconds keeps the chance of picking a seat someone
 * else just took low (and a taken pick is removed from the selection with a notice), while an
 * admitted crowd — admission is rate-limited, so it is small — stays far below the gateway's
 * per-client rate limit. Hidden tabs do not poll.
 */
export const SEAT_REFRESH_MS = 2_000;

/** Seat selection for an admitted buyer: live seat map, choose up to 10, or "best available". */
export function SeatsPage({ eventId }: { eventId: string }) {
  const { session } = useAuth();
  useTitle("Choose seats");
  const { state, retry } = useLoad((signal) => getEvent(eventId, { signal }), [eventId]);
  if (!session) return <SignInPrompt reason="Please sign in to choose seats." />;
  const place = new PlaceStore(localStorage).get(eventId, session.userId);
  if (!place) {
    return (
      <div className="notice" role="status">
        <p className="notice__message">
          To choose seats, join the queue first. We'll let you in when it's your turn.
        </p>
        <Link className="button" href={paths.event(eventId)}>
          Go to the event
        </Link>
      </div>
    );
  }
  if (state.status !== "ready")
    return <LoadNotice state={state} loading="Loading the seat map…" onRetry={retry} />;
  return <SeatPicker event={state.value} place={place} token={session.token} />;
}

function SeatPicker({ event, place, token }: { event: EventDetail; place: StoredPlace; token: string }) {
  const { noteError } = useAuth();
  const eventId = event.event_id;
  const [availability, setAvailability] = useState<Availability>();
  const [mapError, setMapError] = useState<unknown>();
  const [sectionId, setSectionId] = useState(event.sections[0]?.section_id ?? "");
  const [selection, setSelection] = useState<string[]>([]);
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{
    error: unknown;
    message?: string;
    rejoin?: boolean;
    /** The buyer's own hold stands in the way: show where it is. */
    mine?: boolean;
  }>();
  const keys = useRef(new RequestKeys());
  const selectionRef = useRef(selection);
  selectionRef.current = selection;

  const refresh = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const fresh = await getAvailability(eventId, { signal });
        setAvailability(fresh);
        setMapError(undefined);
        const { kept, lost } = reconcileSelection(selectionRef.current, fresh.seats);
        if (lost.length > 0) {
          setSelection(kept);
          const names = lost.map((id) => describeSeat(id, event.sections)).join("; ");
          setNotice(`Sorry, someone else just took ${names}. We removed it from your selection.`);
        }
      } catch (e) {
        if (!signal?.aborted) setMapError(e);
      }
    },
    [eventId, event.sections],
  );
  usePoll(refresh, SEAT_REFRESH_MS);

  const onToggle = useCallback((id: string) => {
    const result = toggleSeat(selectionRef.current, id);
    setSelection(result.selection);
    setNotice(result.refused ? `You can choose up to ${MAX_SEATS} seats per order.` : undefined);
  }, []);

  const submit = async (request: HoldRequest) => {
    const admissions = new AdmissionStore(sessionStorage);
    setBusy(true);
    setError(undefined);
    try {
      const held = await placeHold(request, {
        keys: keys.current,
        reservationToken: async (renew) => {
          const stored = renew ? undefined : admissions.fresh(eventId, place.userId, Date.now());
          if (stored) return stored.reservationToken;
          const answer = await enterQueue(place.waitingToken, { token });
          return admissions.save(eventId, place.userId, answer, Date.now()).reservationToken;
        },
        hold: (req, rt, key) => holdSeats(eventId, req, rt, key, { token }),
      });
      admissions.clear(eventId, place.userId);
      new WatchTokens(sessionStorage).save(held.reservation_id, held.watch_token);
      navigate(paths.reservation(held.reservation_id));
    } catch (e) {
      noteError(e);
      setBusy(false);
      const code = e instanceof ApiError ? e.code : undefined;
      if (code === "NOT_READY" || code === "FORBIDDEN") {
        // The admission window closed: the place cannot be used again.
        new PlaceStore(localStorage).clear(eventId, place.userId);
        setError({
          error: e,
          message: "Your turn to buy has ended. Please join the queue again.",
          rejoin: true,
        });
        return;
      }
      if (code === "RESERVATION_LIMIT" || code === "SEAT_LIMIT") {
        // The entry pass was not spent: the buyer may come back here once that hold has ended.
        setError({ error: e, mine: true });
        return;
      }
      if (code === "SEAT_UNAVAILABLE" || code === "INVENTORY_CONFLICT") {
        if ("quantity" in request)
          setError({
            error: e,
            message: "There aren't enough free seats together for that. Try fewer seats or another section.",
          });
        else setError({ error: e });
        void refresh();
        return;
      }
      setError({ error: e });
    }
  };

  const section = event.sections.find((s) => s.section_id === sectionId) ?? event.sections[0];
  return (
    <section aria-labelledby="seats-heading" className="seats-page">
      <h2 id="seats-heading">Choose your seats</h2>
      <p className="hint">
        {event.name}. Pick up to {MAX_SEATS} seats, or let us find the best ones for you. The map refreshes
        every few seconds.
      </p>
      {error && <ErrorNotice error={error.error} message={error.message} />}
      {error?.rejoin && (
        <Link className="button" href={paths.event(eventId)}>
          Back to the event
        </Link>
      )}
      {error?.mine && (
        <Link className="button" href={paths.reservations()}>
          See my reservations
        </Link>
      )}
      {mapError !== undefined && !availability && (
        <ErrorNotice error={mapError} onRetry={() => void refresh()} />
      )}
      {notice && (
        <p className="notice notice--warning" role="status" data-testid="seat-notice">
          {notice}
        </p>
      )}
      {availability && section && (
        <div className="seats-layout">
          <div className="seats-layout__map">
            <SectionPicker
              sections={event.sections}
              counts={availability.sections}
              currency={event.currency}
              value={section.section_id}
              onChange={setSectionId}
            />
            <SeatMap section={section} seats={availability.seats} selection={selection} onToggle={onToggle} />
          </div>
          <div className="seats-layout__side">
            <SelectionSummary
              selection={selection}
              sections={event.sections}
              currency={event.currency}
              busy={busy}
              onRemove={onToggle}
              onHold={() => submit({ seatIds: selection })}
            />
            <QuickPick sections={event.sections} counts={availability.sections} busy={busy} onPick={submit} />
          </div>
        </div>
      )}
    </section>
  );
}
