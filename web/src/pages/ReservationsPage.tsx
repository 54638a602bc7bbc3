import { useAuth, useSignedInLoad } from "../auth.tsx";
import { getEvent, listReservations } from "../buyer-api.ts";
import { Link } from "../components/Link.tsx";
import { LoadNotice } from "../components/LoadNotice.tsx";
import { SignInPrompt } from "../components/SignInPrompt.tsx";
import { formatDateTime, formatMoney } from "../format.ts";
import { useTitle } from "../hooks.ts";
import { paths } from "../router.ts";
import { describeSeat } from "../seats.ts";
import type { EventDetail, Reservation, ReservationStatus } from "../types.ts";

const STATUS_WORDS: Record<ReservationStatus, string> = {
  HOLD: "On hold — waiting for payment",
  CONFIRMED: "Confirmed",
  CANCELLED: "Cancelled",
  EXPIRED: "Expired",
};

/** Every reservation of the signed-in buyer, newest first, with where to go next for each. */
export function ReservationsPage() {
  const { session } = useAuth();
  useTitle("My reservations");
  const { state, retry } = useSignedInLoad(
    async (token, signal) => {
      const reservations = await listReservations({ token, signal });
      // Event names and section names for the list; one call per distinct event, best effort.
      const ids = [...new Set(reservations.map((r) => r.event_id))];
      const found = await Promise.all(ids.map((id) => getEvent(id, { signal }).catch(() => undefined)));
      const events = new Map(found.flatMap((e) => (e ? [[e.event_id, e] as const] : [])));
      return { reservations, events };
    },
    [],
    { reservations: [], events: new Map<string, EventDetail>() },
  );
  if (!session) return <SignInPrompt reason="Please sign in to see your reservations." />;
  return (
    <section aria-labelledby="mine-heading">
      <h2 id="mine-heading">My reservations</h2>
      <LoadNotice state={state} loading="Loading your reservations…" onRetry={retry} />
      {state.status === "ready" && state.value.reservations.length === 0 && (
        <p className="notice" role="status">
          You have no reservations yet. <Link href={paths.events()}>Find an event</Link>.
        </p>
      )}
      {state.status === "ready" && state.value.reservations.length > 0 && (
        <ul className="reservation-list">
          {state.value.reservations.map((r) => (
            <li key={r.reservation_id}>
              <ReservationItem reservation={r} event={state.value.events.get(r.event_id)} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ReservationItem({
  reservation: r,
  event,
}: {
  reservation: Reservation;
  event: EventDetail | undefined;
}) {
  return (
    <article className="panel" data-testid="reservation" data-status={r.status}>
      <h3 className="reservation__title">{event?.name ?? r.event_id}</h3>
      <p className={`badge badge--${r.status.toLowerCase()}`}>{STATUS_WORDS[r.status] ?? r.status}</p>
      <p>{r.seat_ids.map((s) => describeSeat(s, event?.sections)).join("; ")}</p>
      <p className="muted">
        {formatMoney(r.total_amount, r.currency)}
        {r.created_at && ` · ${formatDateTime(r.created_at)}`}
      </p>
      {r.status === "CONFIRMED" && r.order_id && <Link href={paths.order(r.order_id)}>View order</Link>}
      {r.status === "HOLD" && <Link href={paths.reservation(r.reservation_id)}>Pay now</Link>}
    </article>
  );
}
