import { t } from "elysia";

// The answers of the reservation, order and payment routes (docs/spec.md, "REST API").

const Time = t.Union([t.String({ format: "date-time" }), t.Null()]);

/** Reservation lifecycle states. */
export const ReservationStatus = t.UnionEnum(["HOLD", "CONFIRMED", "CANCELLED", "EXPIRED"]);
/** Reservation lifecycle states. */
export type ReservationStatus = typeof ReservationStatus.static;

const holdFields = {
  reservation_id: t.String(),
  status: ReservationStatus,
  seat_ids: t.Array(t.String()),
  hold_expires_at: Time,
  total_amount: t.Number(),
  currency: t.String(),
};

/** `GET /reservations/{id}` and the entries of `GET /reservations`. */
export const Reservation = t.Object({
  ...holdFields,
  event_id: t.String(),
  order_id: t.Union([t.String(), t.Null()]),
  payment_intent_id: t.Union([t.String(), t.Null()]),
  created_at: Time,
  updated_at: Time,
});
/** A reservation as its owner sees it. */
export type Reservation = typeof Reservation.static;

/** `GET /reservations`: the buyer's reservations, newest first. */
export const ReservationList = t.Object({ reservations: t.Array(Reservation) });
/** `GET /reservations`. */
export type ReservationList = typeof ReservationList.static;

/** `POST /reservations` (201): the hold just taken. */
export const HoldAnswer = t.Object({
  ...holdFields,
  watch_token: t.String({ description: "Sent back on the live-queue socket to have the outcome pushed" }),
});
/** `POST /reservations` (201). */
export type HoldAnswer = typeof HoldAnswer.static;

/** `POST /reservations/{id}/confirm`. */
export const ConfirmAnswer = t.Object({ order_id: t.String(), status: t.Literal("CONFIRMED") });
/** `POST /reservations/{id}/confirm`. */
export type ConfirmAnswer = typeof ConfirmAnswer.static;

/** `POST /reservations/{id}/cancel`. */
export const CancelAnswer = t.Object({ status: t.Literal("CANCELLED") });
/** `POST /reservations/{id}/cancel`. */
export type CancelAnswer = typeof CancelAnswer.static;

/** `GET /orders/{id}`. */
export const Order = t.Object({
  order_id: t.String(),
  reservation_id: t.String(),
  event_id: t.String(),
  seat_ids: t.Array(t.String()),
  total_amount: t.Number(),
  currency: t.String(),
  payment_intent_id: t.String(),
  status: t.Literal("CONFIRMED"),
  created_at: Time,
});
/** `GET /orders/{id}`. */
export type Order = typeof Order.static;

/** `POST /payments/intent`: the simulated payment started; its outcome comes by webhook or poll. */
export const PaymentIntentAnswer = t.Object({
  payment_intent_id: t.String(),
  status: t.Literal("PENDING"),
  next: t.String(),
});
/** `POST /payments/intent`. */
export type PaymentIntentAnswer = typeof PaymentIntentAnswer.static;

/** `GET /payments/{id}/status`. */
export const PaymentStatusAnswer = t.Object({
  payment_intent_id: t.String(),
  reservation_id: t.String(),
  status: t.UnionEnum(["PENDING", "APPROVED", "FAILED", "REFUNDED"]),
  amount: t.Number(),
  currency: t.String(),
  scenario: t.String(),
  failure_reason: t.Union([t.String(), t.Null()]),
  created_at: Time,
  updated_at: Time,
});
/** `GET /payments/{id}/status`. */
export type PaymentStatusAnswer = typeof PaymentStatusAnswer.static;
