// The narrow interfaces the reservation domain depends on; adapters implement them.
import type { IdempotencyClaim, IdempotencyRecord, IdempotencyScope, ReservationGrant } from "@tt/kit";
import type { Order, OutboxEvent, Reservation, ReservationPage, ReservationStatus } from "./model.ts";
import type { BuyerTally, PolicyOverrides, TallyVerdict } from "./purchase-policy.ts";

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
  /**
   * Keeps the buyer's tally in step, in the same transaction: `confirming` marks the hold as
   * being bought (it keeps counting past its time), `ended` drops it (adding its seats to the
   * seats bought when `to` is CONFIRMED).
   */
  tally?: "confirming" | "ended";
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
  /**
   * Stores a new HOLD and its `reservation.created` record in one transaction — with the
   * request's idempotency record and the spent reservation token when given, so each is claimed
   * exactly when the reservation exists. Writes nothing and throws IdempotencyTaken when the key
   * is already recorded, else ReservationTokenSpent when the token was already spent, else
   * TallyChanged when the buyer's tally is no longer the one the hold was judged on, else
   * CreateAbandoned when the id was already marked abandoned (`abandon`).
   */
  create(reservation: Reservation, event: OutboxEvent, guards?: CreateGuards): Promise<void>;
  /**
   * Marks an id no reservation is stored under as abandoned, so that a create of it still on
   * its way fails instead of landing; `get` keeps answering undefined for it. Returns the
   * reservation instead when one was stored after all (nothing is written then).
   */
  abandon(id: string): Promise<Reservation | undefined>;
  /** What the buyer holds and has bought of the event (strongly consistent). */
  tally(eventId: string, userId: string): Promise<BuyerTally>;
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

/** Records of requests by idempotency key; each is written with the reservation it created. */
export interface IdempotencyStore {
  /** The record a key holds, if any (strongly consistent). */
  read(scope: IdempotencyScope): Promise<IdempotencyRecord | undefined>;
}

/** What `create` records with a new reservation, each refusing a second use. */
export interface CreateGuards {
  /** The request's idempotency record (the answer, for replays). */
  idempotency?: { claim: IdempotencyClaim; result: string };
  /** The reservation token spent on it (single use, kept until a while after it expires). */
  token?: { jti: string; expiresAt: number };
  /** The purchase-policy verdict: the hold joins the buyer's tally only if it is still as read. */
  tally?: TallyVerdict;
}

/** `create` found its id marked abandoned: its first timer gave the hold up (see create.ts). */
export class CreateAbandoned extends Error {
  override readonly name = "CreateAbandoned";
  constructor() {
    super("the reservation id was given up before its create landed");
  }
}

/** `create` found the buyer's tally changed since it was read: nothing was written. */
export class TallyChanged extends Error {
  override readonly name = "TallyChanged";
  constructor(
    /** The tally as it is now, when the store could tell. */
    readonly current: BuyerTally | undefined,
  ) {
    super("the buyer's tally changed concurrently");
  }
}

/** Each event's purchase policy as its owner (inventory) keeps it. */
export interface PolicyReader {
  /** The event's own choices (may be a second or so old); EVENT_NOT_FOUND for no such event. */
  overrides(eventId: string): Promise<PolicyOverrides>;
}

/** `create` found the reservation token already spent: nothing was written. */
export class ReservationTokenSpent extends Error {
  override readonly name = "ReservationTokenSpent";
  constructor() {
    super("the reservation token was already spent");
  }
}

/** Reads reservation tokens: the grant inside a genuine one (expired or not), else undefined. */
export type TokenReader = (token: string) => ReservationGrant | undefined;

/** `create` found the key already recorded: nothing was written (the record is what it found). */
export class IdempotencyTaken extends Error {
  override readonly name = "IdempotencyTaken";
  constructor(readonly record: IdempotencyRecord | undefined) {
    super("the idempotency key already has a record");
  }
}

/** Why seats go back on sale. */
export type ReleaseReason = "CANCELLED" | "EXPIRED" | "COMPENSATION";

/** What inventory answered to a hold. */
export interface HeldSeats {
  seatIds: string[];
  totalAmount: number;
  currency: string;
}

/** What inventory is asked to hold. */
export interface HoldRequest {
  reservationId: string;
  eventId: string;
  userId: string;
  seatIds: string[];
  quantity: number;
  sectionId: string;
  holdExpiresAt: number;
}

/** The inventory service as the reservation domain needs it. */
export interface InventoryGateway {
  /**
   * Throws the refusal a hold of these explicit seats would certainly get (SEAT_UNAVAILABLE),
   * holding nothing; returns when the hold might win.
   */
  precheck(request: HoldRequest): Promise<void>;
  /** Holds every requested seat for the reservation, or none (idempotent per reservation). */
  hold(request: HoldRequest): Promise<HeldSeats>;
  /** Turns the reservation's held seats into sold seats for the order. */
  commit(request: {
    reservationId: string;
    eventId: string;
    seatIds: string[];
    orderId: string;
  }): Promise<void>;
  /** Frees the seats this reservation still holds; answers those this call freed. */
  release(request: {
    reservationId: string;
    eventId: string;
    seatIds: string[];
    reason: ReleaseReason;
  }): Promise<string[]>;
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
  /**
   * The intent's state, or undefined when no such intent exists. `approval`, payment's signed
   * statement from its payment.approved event, answers without asking payment when it verifies.
   */
  status(paymentIntentId: string, approval?: string): Promise<PaymentInfo | undefined>;
  /** Returns the money of an approved intent (idempotent on the key). */
  refund(paymentIntentId: string, reason: string, idempotencyKey: string): Promise<void>;
}

/** What a hold timer needs to know. */
export interface HoldRef {
  reservationId: string;
  eventId: string;
  holdExpiresAt: number;
}

/**
 * Delivers `reservation.hold_due` for a hold at (or soon after) a given time: its expiry, or a
 * first look soon after the create (see create.ts), which arms it again for the expiry.
 */
export interface ExpiryTimer {
  /** Arms the timer for `at` (default: the hold's expiry); re-arming is harmless. */
  schedule(hold: HoldRef, at?: number): Promise<void>;
  /** Disarms it when the hold ended early (confirm, cancel); a no-op when it cannot. */
  cancel(reservationId: string): Promise<void>;
}

/** The domain's own metrics. */
export interface ReservationMetrics {
  /** A reservation entered `status`. */
  transitioned(status: ReservationStatus): void;
  /** A request met an existing idempotency record (or a concurrent duplicate in this process). */
  idempotencyHit(outcome: "replayed" | "conflict" | "in_progress"): void;
}
