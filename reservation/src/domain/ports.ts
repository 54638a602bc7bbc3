// The narrow interfaces the reservation domain depends on; adapters implement them.
import type { Order, OutboxEvent, Reservation, ReservationPage, ReservationStatus } from "./model.ts";

/** A state change of one reservation, applied only if nobody changed it since it was read. */
export interface Transition {
  /** The reservation as read; the write is conditioned on its version and status. */
  from: Reservation;
  /** The reservation after the change (version = from.version + 1). */
  to: Reservation;
  /** Written in the same transaction. */
  event?: OutboxEvent;
  /** Written in the same transaction, only if no order with its id exists. */
  order?: Order;
  /** Extra condition: the hold must still be live at this epoch ms (claiming a confirm). */
  holdLiveAt?: number;
  /** Extra condition: the hold must have passed at this epoch ms (expiring). */
  holdPassedAt?: number;
}

/** The write was refused because the stored reservation differs from what was read. */
export class TransitionRejected extends Error {
  override readonly name = "TransitionRejected";
  constructor(
    /** The reservation as it is now, when the store could tell. */
    readonly current: Reservation | undefined,
    options?: { cause?: unknown },
  ) {
    super("reservation changed concurrently", options);
  }
}

/** Durable storage of reservations, orders and their outbox records. */
export interface ReservationStore {
  /** Stores a new HOLD and its `reservation.created` record in one transaction. */
  create(reservation: Reservation, event: OutboxEvent): Promise<void>;
  /** Applies a transition atomically; throws TransitionRejected when a condition fails. */
  transition(change: Transition): Promise<void>;
  /** Reads one reservation (strongly consistent). */
  get(id: string): Promise<Reservation | undefined>;
  /** A user's reservations, newest first. */
  listByUser(userId: string, limit: number, cursor?: string): Promise<ReservationPage>;
  /** Reads one order. */
  getOrder(id: string): Promise<Order | undefined>;
  /** Ids of HOLDs whose time passed before `before` (epoch ms), oldest first. */
  findOverdueHolds(before: number, limit: number): Promise<string[]>;
}

/** Who is asking under which key: idempotency keys are scoped to the user. */
export interface IdempotencyScope {
  userId: string;
  key: string;
}

/** Outcome of claiming an idempotency key. */
export type IdempotencyClaim =
  | { kind: "started"; token: string }
  | { kind: "replay"; response: string }
  | { kind: "conflict" }
  | { kind: "in_progress" };

/** First-writer-wins record of requests by idempotency key, within a fixed window. */
export interface IdempotencyStore {
  /** Claims the key for a request with this hash, or says what the key already holds. */
  begin(scope: IdempotencyScope, requestHash: string, now: number): Promise<IdempotencyClaim>;
  /** Stores the response of the claimed request for replay. */
  complete(scope: IdempotencyScope, token: string, response: string, now: number): Promise<void>;
  /** Gives the key up after a failure so that the client may retry with it. */
  release(scope: IdempotencyScope, token: string): Promise<void>;
}

/** Why seats go back on sale. */
export type ReleaseReason = "CANCELLED" | "EXPIRED" | "COMPENSATION";

/** What inventory answered to a hold. */
export interface HeldSeats {
  seatIds: string[];
  totalAmount: number;
  currency: string;
}

/** The inventory service as the reservation domain needs it. */
export interface InventoryGateway {
  /** Holds every requested seat for the reservation, or none (idempotent per reservation). */
  hold(request: {
    reservationId: string;
    eventId: string;
    userId: string;
    seatIds: string[];
    quantity: number;
    sectionId: string;
    holdExpiresAt: number;
  }): Promise<HeldSeats>;
  /** Turns the reservation's held seats into sold seats for the order. */
  commit(request: {
    reservationId: string;
    eventId: string;
    seatIds: string[];
    orderId: string;
  }): Promise<void>;
  /** Frees the seats this reservation still holds. */
  release(request: {
    reservationId: string;
    eventId: string;
    seatIds: string[];
    reason: ReleaseReason;
  }): Promise<void>;
}

/** A payment intent as the reservation domain needs it. */
export interface PaymentInfo {
  status: "PENDING" | "APPROVED" | "FAILED" | "REFUNDED";
  reservationId: string;
  amount: number;
  currency: string;
}

/** The payment service as the reservation domain needs it. */
export interface PaymentGateway {
  /** The intent's state, or undefined when no such intent exists. */
  status(paymentIntentId: string): Promise<PaymentInfo | undefined>;
  /** Returns the money of an approved intent (idempotent on the key). */
  refund(paymentIntentId: string, reason: string, idempotencyKey: string): Promise<void>;
}

/** What a hold timer needs to know. */
export interface HoldRef {
  reservationId: string;
  eventId: string;
  holdExpiresAt: number;
}

/** Delivers `reservation.expired` for a hold at (or soon after) its expiry time. */
export interface ExpiryTimer {
  /** Arms the timer; re-arming the same reservation is harmless. */
  schedule(hold: HoldRef): Promise<void>;
  /** Disarms it when the hold ended early (confirm, cancel); a no-op when it cannot. */
  cancel(reservationId: string): Promise<void>;
}

/** The domain's own metrics. */
export interface ReservationMetrics {
  /** A reservation entered `status`. */
  transitioned(status: ReservationStatus): void;
  /** A request met an existing idempotency record. */
  idempotencyHit(outcome: "replayed" | "conflict" | "in_progress"): void;
}
