import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import type { inventory, payment, reservation } from "@tt/contracts";
import type { EventDetail, Order, PaymentStatusAnswer, Reservation } from "@tt/kit/api";

// Proto messages → the snake_case JSON of docs/spec.md ("REST API"). Explicit mappers rather than
// protobuf JSON: enums read as "HOLD" not "RESERVATION_STATUS_HOLD", amounts are numbers.

/** A timestamp as ISO 8601, or null when absent. */
export const iso = (t: Timestamp | undefined) => (t ? timestampDate(t).toISOString() : null);
const enumName = (name: string | undefined, prefix: string) => (name ?? "UNSPECIFIED").replace(prefix, "");

/** An event as listed and shown to buyers. */
export function eventView(e: inventory.Event): EventDetail {
  return {
    event_id: e.eventId,
    name: e.name,
    venue: e.venue,
    starts_at: iso(e.startsAt),
    sale_opens_at: iso(e.saleOpensAt),
    sale_closes_at: iso(e.saleClosesAt),
    currency: e.currency,
    total_seats: e.totalSeats,
    sections: e.sections.map((s) => ({
      section_id: s.sectionId,
      name: s.name,
      price: Number(s.price),
      rows: s.rows,
      seats_per_row: s.seatsPerRow,
    })),
  };
}

/** Per-section counts. */
export function sectionCountView(c: inventory.SectionCount) {
  return { section_id: c.sectionId, total: c.total, available: c.available, held: c.held, sold: c.sold };
}

/** A reservation as its owner sees it. */
export function reservationView(r: reservation.Reservation, statusName: (s: number) => string): Reservation {
  return {
    reservation_id: r.reservationId,
    event_id: r.eventId,
    status: enumName(statusName(r.status), "RESERVATION_STATUS_") as Reservation["status"],
    seat_ids: r.seatIds,
    hold_expires_at: iso(r.holdExpiresAt),
    total_amount: Number(r.totalAmount),
    currency: r.currency,
    order_id: r.orderId || null,
    payment_intent_id: r.paymentIntentId || null,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

/** An order as its owner sees it. */
export function orderView(o: reservation.Order): Order {
  return {
    order_id: o.orderId,
    reservation_id: o.reservationId,
    event_id: o.eventId,
    seat_ids: o.seatIds,
    total_amount: Number(o.totalAmount),
    currency: o.currency,
    payment_intent_id: o.paymentIntentId,
    status: "CONFIRMED",
    created_at: iso(o.createdAt),
  };
}

/** A payment intent's status as its owner sees it. */
export function paymentView(
  p: payment.PaymentIntent,
  statusName: (s: number) => string,
  scenarioName: (s: number) => string,
): PaymentStatusAnswer {
  return {
    payment_intent_id: p.paymentIntentId,
    reservation_id: p.reservationId,
    status: enumName(statusName(p.status), "PAYMENT_STATUS_") as PaymentStatusAnswer["status"],
    amount: Number(p.amount),
    currency: p.currency,
    scenario: enumName(scenarioName(p.scenario), "PAYMENT_SCENARIO_").toLowerCase(),
    failure_reason: p.failureReason || null,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}
