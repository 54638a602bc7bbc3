/** Lifecycle states of a reservation (docs/spec.md, "Reservations"). */
export type ReservationStatus = "HOLD" | "CONFIRMED" | "CANCELLED" | "EXPIRED";

/** A confirm in flight: the payment was verified and seats are being committed. */
export interface ConfirmClaim {
  paymentIntentId: string;
  /** Epoch ms after which the claim has lapsed (its confirmer is presumed dead). */
  until: number;
}

/** A buyer's claim on seats; times are epoch milliseconds. */
export interface Reservation {
  id: string;
  eventId: string;
  userId: string;
  seatIds: string[];
  status: ReservationStatus;
  holdExpiresAt: number;
  /** Total in the currency's minor unit. */
  totalAmount: number;
  currency: string;
  orderId?: string | undefined;
  paymentIntentId?: string | undefined;
  /** Present while a confirm commits seats; shields the hold from expiry until it lapses. */
  confirming?: ConfirmClaim | undefined;
  createdAt: number;
  updatedAt: number;
  /** Bumped by every write; each write is conditioned on the version it read. */
  version: number;
}

/** What a confirmed reservation becomes. */
export interface Order {
  id: string;
  reservationId: string;
  eventId: string;
  userId: string;
  seatIds: string[];
  totalAmount: number;
  currency: string;
  paymentIntentId: string;
  createdAt: number;
}

/** Event types the reservation service emits through its outbox. */
export type ReservationEventType =
  | "reservation.created"
  | "reservation.confirmed"
  | "reservation.cancelled"
  | "reservation.expired";

/** A domain event written in the same transaction as the state change it reports. */
export interface OutboxEvent {
  type: ReservationEventType;
  /** The reservation as it is after the change. */
  reservation: Reservation;
}

/** One page of a user's reservations. */
export interface ReservationPage {
  items: Reservation[];
  /** Opaque cursor of the next page; absent on the last page. */
  next?: string | undefined;
}

/** The order id of a reservation: derived, so a retried confirm can never create a second order. */
export function orderIdFor(reservationId: string): string {
  return `ord_${reservationId.replace(/^rsv_/, "")}`;
}

/** True when a confirm claim is still within its lease. */
export function claimIsLive(r: Reservation, now: number): boolean {
  return r.confirming !== undefined && now < r.confirming.until;
}

/**
 * The status a reader should see: a HOLD past its time is EXPIRED even before the timer or the
 * sweeper has written it (expiry never depends on the timer), unless a confirm holds a live claim.
 */
export function effectiveStatus(r: Reservation, now: number): ReservationStatus {
  if (r.status === "HOLD" && now >= r.holdExpiresAt && !claimIsLive(r, now)) return "EXPIRED";
  return r.status;
}
