import { useEffect, useState } from "react";
import { useAction, useAuth } from "../auth.tsx";
import { getAvailability, getEvent } from "../buyer-api.ts";
import { useChallengedJoin } from "../challenge/use-challenged-join.ts";
import { ChallengeProgress } from "../components/ChallengeProgress.tsx";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { Link } from "../components/Link.tsx";
import { LoadNotice } from "../components/LoadNotice.tsx";
import { SaleCountdown } from "../components/SaleCountdown.tsx";
import { formatDateTime, formatMoney } from "../format.ts";
import { useLoad, useTitle } from "../hooks.ts";
import { PlaceStore } from "../queue/place-store.ts";
import { navigate, paths } from "../router.ts";
import { nextSaleChange, type SaleStatus, saleStatus } from "../sale-status.ts";
import { isOperator } from "../session.ts";
import type { EventDetail, SectionCount } from "../types.ts";
import { newUuid } from "../uuid.ts";

/** One event: date, venue, sections with prices and seats left, sale status and "Join queue". */
export function EventPage({ eventId }: { eventId: string }) {
  const { state, retry } = useLoad(
    async (signal) => {
      const [event, availability] = await Promise.all([
        getEvent(eventId, { signal }),
        // Counts are a nice-to-have here: the page still works when they cannot be loaded.
        getAvailability(eventId, { signal }).catch(() => undefined),
      ]);
      return { event, counts: availability?.sections ?? [] };
    },
    [eventId],
  );
  useTitle(state.status === "ready" ? state.value.event.name : "Event");
  // Re-rendered when the sale opens or closes, so the page follows the window by itself.
  const now = useNowAcrossSaleWindow(state.status === "ready" ? state.value.event : undefined);

  if (state.status !== "ready")
    return <LoadNotice state={state} loading="Loading the event…" onRetry={retry} />;
  const { event, counts } = state.value;
  const seatsLeft = counts.length > 0 ? counts.reduce((sum, c) => sum + c.available, 0) : undefined;
  const status = saleStatus(event, seatsLeft, now);
  return (
    <article aria-labelledby="event-heading">
      <p className="breadcrumbs">
        <Link href={paths.events()}>All events</Link>
      </p>
      <h2 id="event-heading">{event.name}</h2>
      <dl className="facts">
        {event.starts_at && (
          <div>
            <dt>Date</dt>
            <dd>
              <time dateTime={event.starts_at}>{formatDateTime(event.starts_at)}</time>
            </dd>
          </div>
        )}
        <div>
          <dt>Venue</dt>
          <dd>{event.venue || "To be announced"}</dd>
        </div>
        <div>
          <dt>Sale</dt>
          <dd data-testid="sale-status" data-sale={status}>
            <SaleStatusLine event={event} status={status} />
          </dd>
        </div>
      </dl>
      <SectionsTable event={event} counts={counts} />
      <JoinQueue event={event} status={status} />
      <OperatorLink eventId={event.event_id} />
    </article>
  );
}

/** For operators only: the way to this event's live console. */
function OperatorLink({ eventId }: { eventId: string }) {
  const { session } = useAuth();
  if (!isOperator(session)) return null;
  return (
    <p>
      <Link href={paths.console(eventId)}>Operator console for this event</Link>
    </p>
  );
}

/**
 * The current time, refreshed at the event's next sale opening or close (the page shows the new
 * state at that moment without a reload; a timer longer than setTimeout's ~24.8 days is re-armed).
 */
function useNowAcrossSaleWindow(event: EventDetail | undefined): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const next = event && nextSaleChange(event, now);
    if (next === undefined) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(next - now + 5, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [event, now]);
  return now;
}

function SaleStatusLine({ event, status }: { event: EventDetail; status: SaleStatus }) {
  switch (status) {
    case "closed":
      return <>Sale has ended</>;
    case "sold_out":
      return (
        <>
          <span className="badge">Sold out</span> — every seat is taken or held; held seats may come back
        </>
      );
    case "upcoming":
      return (
        <>
          Opens {event.sale_opens_at && formatDateTime(event.sale_opens_at)} — you can join the queue now:
          places are drawn fairly when it opens.
          {event.sale_opens_at && <SaleCountdown opensAt={event.sale_opens_at} />}
        </>
      );
    default:
      return (
        <>
          <span className="badge badge--open">On sale now</span>
          {event.sale_closes_at && <> until {formatDateTime(event.sale_closes_at)}</>}
        </>
      );
  }
}

function SectionsTable({ event, counts }: { event: EventDetail; counts: SectionCount[] }) {
  return (
    <div className="table-scroll">
      <table className="table">
        <caption>Sections and prices</caption>
        <thead>
          <tr>
            <th scope="col">Section</th>
            <th scope="col">Price</th>
            <th scope="col">Seats left</th>
          </tr>
        </thead>
        <tbody>
          {event.sections.map((s) => {
            const count = counts.find((c) => c.section_id === s.section_id);
            return (
              <tr key={s.section_id}>
                <th scope="row">{s.name}</th>
                <td>{formatMoney(s.price, event.currency)}</td>
                <td>
                  {count ? `${count.available.toLocaleString()} of ${count.total.toLocaleString()}` : "—"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function JoinQueue({ event, status }: { event: EventDetail; status: SaleStatus }) {
  const { session } = useAuth();
  const { busy, error, run } = useAction();
  // One key per visit: a double click or a retry after a lost answer joins once.
  const [joinKey] = useState(newUuid);
  // An event may ask joiners for a proof of work: solved in a worker, with progress shown.
  const challenged = useChallengedJoin(event.event_id);
  const places = new PlaceStore(localStorage);

  if (status === "closed") return null;
  if (!session) {
    return (
      <div className="cta">
        <Link className="button" href={paths.signin(paths.event(event.event_id))}>
          Sign in to join the queue
        </Link>
      </div>
    );
  }
  const place = places.get(event.event_id, session.userId);
  if (place) {
    return (
      <div className="cta">
        <Link className="button" href={paths.queue(event.event_id)}>
          Return to your place in line
        </Link>
      </div>
    );
  }

  const join = () =>
    run(async () => {
      const answer = await challenged.join(joinKey, { token: session.token });
      places.save({
        eventId: event.event_id,
        userId: session.userId,
        waitingToken: answer.waiting_token,
        firstPosition: answer.position_hint,
        joinedAt: Date.now(),
      });
      navigate(paths.queue(event.event_id));
    }, true);
  return (
    <div className="cta">
      <button type="button" className="button button--big" onClick={join} disabled={busy}>
        {busy ? "Joining…" : "Join queue"}
      </button>
      {challenged.percent !== undefined && <ChallengeProgress percent={challenged.percent} />}
      {error !== undefined && <ErrorNotice error={error} />}
    </div>
  );
}
