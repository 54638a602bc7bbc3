import { useAuth } from "../auth.tsx";
import type { Outcome } from "../outcome.ts";
import { PlaceStore } from "../queue/place-store.ts";
import { paths } from "../router.ts";
import { Link } from "./Link.tsx";

/** Props for {@link OutcomeNotice}. */
export interface OutcomeNoticeProps {
  outcome: Outcome;
  eventId: string;
  /** The order, once confirmed. */
  orderId: string | null;
  /** A payment was started for this hold (changes what we say about money). */
  paid: boolean;
}

/** Tells the buyer, in plain words, how their hold ended and what they can do next. */
export function OutcomeNotice({ outcome, eventId, orderId, paid }: OutcomeNoticeProps) {
  const { session } = useAuth();
  // Back to the seat map while the buyer still has their place; otherwise back to the event.
  const hasPlace = session !== undefined && new PlaceStore(localStorage).get(eventId, session.userId);
  const again = (
    <Link className="button" href={hasPlace ? paths.seats(eventId) : paths.event(eventId)}>
      Choose seats again
    </Link>
  );
  switch (outcome) {
    case "confirmed":
      return (
        <div className="notice" role="status">
          <p className="notice__message">This reservation is confirmed.</p>
          <Link className="button" href={orderId ? paths.order(orderId) : paths.reservations()}>
            {orderId ? "View your order" : "See my reservations"}
          </Link>
        </div>
      );
    case "expired":
      return (
        <div className="notice notice--error" role="alert" data-testid="outcome" data-outcome="expired">
          <p className="notice__message">
            Your seat hold has expired and the seats were released.
            {paid ? " Any payment taken for it is refunded automatically." : ""}
          </p>
          {again}
        </div>
      );
    case "cancelled":
      return (
        <div className="notice" role="status" data-testid="outcome" data-outcome="cancelled">
          <p className="notice__message">You released these seats.</p>
          {again}
        </div>
      );
  }
}
