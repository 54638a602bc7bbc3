// Domain objects as the snake_case JSON of the REST routes (docs/spec.md, "REST API").
import { effectiveStatus, type Order, type Reservation } from "../domain/model.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/** A reservation as REST JSON, with the status a reader should see at `now`. */
export function reservationJson(r: Reservation, now: number) {
  return {
    reservation_id: r.id,
    event_id: r.eventId,
    user_id: r.userId,
    seat_ids: r.seatIds,
    status: effectiveStatus(r, now),
    hold_expires_at: iso(r.holdExpiresAt),
    total_amount: r.totalAmount,
    currency: r.currency,
    order_id: r.orderId ?? null,
    payment_intent_id: r.paymentIntentId ?? null,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

/** An order as REST JSON. */
export function orderJson(o: Order) {
  return {
    order_id: o.id,
    reservation_id: o.reservationId,
    event_id: o.eventId,
    user_id: o.userId,
    seat_ids: o.seatIds,
    total_amount: o.totalAmount,
    currency: o.currency,
    payment_intent_id: o.paymentIntentId,
    created_at: iso(o.createdAt),
  };
}
