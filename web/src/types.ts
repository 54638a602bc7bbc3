// JSON shapes of the gateway routes the buyer app calls (gateway/src/transport/views.ts and the
// route files are the source of truth; docs/spec.md describes them).

/** One priced section of a venue. */
export interface Section {
  section_id: string;
  name: string;
  price: number;
  rows: number;
  seats_per_row: number;
}

/** `GET /events/{id}`: an event with its sections and prices. */
export interface EventDetail {
  event_id: string;
  name: string;
  venue: string;
  starts_at: string | null;
  sale_opens_at: string | null;
  sale_closes_at: string | null;
  currency: string;
  total_seats: number;
  sections: Section[];
}

/** What one seat is doing right now. */
export type SeatStatus = "AVAILABLE" | "HELD" | "SOLD";

/** Per-section seat counts. */
export interface SectionCount {
  section_id: string;
  total: number;
  available: number;
  held: number;
  sold: number;
}

/** `GET /events/{id}/availability`: counts and the whole seat map. */
export interface Availability {
  event_id: string;
  as_of: string | null;
  sections: SectionCount[];
  seats: Record<string, SeatStatus>;
}

/**
 * Where an event's line stands (docs/spec.md, "Sold out" and "Scheduled sales"): `sold_out` while
 * no seat is AVAILABLE but some are HELD and may come back, `closed` once every seat is sold,
 * `ended` once the event's sale window has closed.
 */
export type SaleState = "on_sale" | "sold_out" | "closed" | "ended";

/** `POST /queue/join` (202). */
export interface JoinAnswer {
  waiting_token: string;
  position_hint: number | null;
  eta_sec: number | null;
  status: "waiting" | "ready";
  sale: SaleState;
  /** Seats held when the sale state was read: those that may come back while sold out. */
  seats_held: number;
}

/** `GET /queue/challenge` (docs/spec.md, "Bot protection"); `challenge: null` when the event asks for none. */
export interface JoinChallengeOffer {
  challenge: string | null;
  difficulty: number;
  expires_at: string | null;
}

/** Every state a place in line can be in. */
export type QueuePlaceStatus = "waiting" | "ready" | "expired" | "left";

/** `GET /queue/status`. */
export interface QueueStatusAnswer {
  status: QueuePlaceStatus;
  position: number | null;
  eta_sec: number | null;
  waiting_time: number;
  ready_for_entry: boolean;
  sale: SaleState;
  seats_held: number;
}

/** Frames pushed on `GET /queue/ws` (docs/spec.md, "Live queue (WebSocket)"). */
export type QueueFrame =
  | {
      type: "position";
      position: number | null;
      eta_sec: number | null;
      serving: number;
      rate_per_sec: number;
    }
  | { type: "ready"; ready_for_entry?: boolean }
  | { type: "expired" }
  | { type: "left" }
  | { type: "sale"; sale: SaleState; seats_held: number }
  | { type: "error"; code: string; message: string };

/** `POST /queue/enter`. */
export interface EnterAnswer {
  admission: "granted";
  reservation_token: string;
  ttl_sec: number;
}

/** Reservation lifecycle states. */
export type ReservationStatus = "HOLD" | "CONFIRMED" | "CANCELLED" | "EXPIRED";

/** `GET /reservations/{id}` and the entries of `GET /reservations`. */
export interface Reservation {
  reservation_id: string;
  event_id: string;
  status: ReservationStatus;
  seat_ids: string[];
  hold_expires_at: string | null;
  total_amount: number;
  currency: string;
  order_id: string | null;
  payment_intent_id: string | null;
  created_at: string | null;
  updated_at: string | null;
}

/** `POST /reservations` (201): the hold just taken. */
export type HoldAnswer = Pick<
  Reservation,
  "reservation_id" | "status" | "seat_ids" | "hold_expires_at" | "total_amount" | "currency"
> & {
  /** Sent back on the live-queue socket to have the outcome pushed. */
  watch_token?: string;
};

/** `GET /orders/{id}`. */
export interface Order {
  order_id: string;
  reservation_id: string;
  event_id: string;
  seat_ids: string[];
  total_amount: number;
  currency: string;
  payment_intent_id: string;
  status: "CONFIRMED";
  created_at: string | null;
}

/** The payment simulator's scenarios. */
export const PAYMENT_SCENARIOS = ["approve", "fail", "delay", "random"] as const;
/** One payment simulator scenario. */
export type PaymentScenario = (typeof PAYMENT_SCENARIOS)[number];

/** `POST /payments/intent`. */
export interface PaymentIntentAnswer {
  payment_intent_id: string;
  status: "PENDING";
  next: string;
}

/** `GET /payments/{id}/status`. */
export interface PaymentStatusAnswer {
  payment_intent_id: string;
  reservation_id: string;
  status: "PENDING" | "APPROVED" | "FAILED" | "REFUNDED";
  amount: number;
  currency: string;
  scenario: string;
  failure_reason: string | null;
}
