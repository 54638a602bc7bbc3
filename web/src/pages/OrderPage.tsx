import { useEffect } from "react";
import { useAuth, useSignedInLoad } from "../auth.tsx";
import { getEvent, getOrder, leaveQueue } from "../buyer-api.ts";
import { Link } from "../components/Link.tsx";
import { LoadNotice } from "../components/LoadNotice.tsx";
import { SignInPrompt } from "../components/SignInPrompt.tsx";
import { formatDateTime, formatMoney } from "../format.ts";
import { useTitle } from "../hooks.ts";
import { PlaceStore } from "../queue/place-store.ts";
import { paths } from "../router.ts";
import { describeSeat } from "../seats.ts";

/** The confirmation: order number, event, seats and amount paid. */
export function OrderPage({ orderId }: { orderId: string }) {
  const { session } = useAuth();
  useTitle("Order confirmed");
  const { state, retry } = useSignedInLoad(
    async (token, signal) => {
      const order = await getOrder(orderId, { token, signal });
      const event = await getEvent(order.event_id, { signal }).catch(() => undefined);
      return { order, event };
    },
    [orderId],
  );
  const done = state.status === "ready" ? state.value : undefined;

  // The purchase is finished: give the place in line back so the next buyer is admitted sooner.
  useEffect(() => {
    if (!done || !session) return;
    const places = new PlaceStore(localStorage);
    const place = places.get(done.order.event_id, session.userId);
    if (!place) return;
    places.clear(done.order.event_id, session.userId);
    void leaveQueue(place.waitingToken).catch(() => undefined);
  }, [done, session]);

  if (!session) return <SignInPrompt reason="Please sign in to see your order." />;
  if (state.status !== "ready")
    return <LoadNotice state={state} loading="Loading your order…" onRetry={retry} />;
  if (!done) return null;
  const { order, event } = done;
  return (
    <section aria-labelledby="order-heading" className="order-page">
      <div className="confirmation" role="status">
        <h2 id="order-heading">You're going! Your order is confirmed.</h2>
        <p>
          Order number <strong data-testid="order-id">{order.order_id}</strong>
        </p>
      </div>
      <dl className="facts panel">
        <div>
          <dt>Event</dt>
          <dd>{event?.name ?? order.event_id}</dd>
        </div>
        {event?.starts_at && (
          <div>
            <dt>Date</dt>
            <dd>{formatDateTime(event.starts_at)}</dd>
          </div>
        )}
        {event?.venue && (
          <div>
            <dt>Venue</dt>
            <dd>{event.venue}</dd>
          </div>
        )}
        <div>
          <dt>Seats</dt>
          <dd>
            <ul className="plain-list" data-testid="order-seats">
              {order.seat_ids.map((s) => (
                <li key={s} data-seat={s}>
                  {describeSeat(s, event?.sections)}
                </li>
              ))}
            </ul>
          </dd>
        </div>
        <div>
          <dt>Paid</dt>
          <dd>{formatMoney(order.total_amount, order.currency)}</dd>
        </div>
      </dl>
      <p>
        <Link href={paths.reservations()}>See all my reservations</Link>
      </p>
    </section>
  );
}
