/** The narrow interfaces the worker's domain needs; adapters implement them. */

/**
 * A business answer from another service ("expired", "already confirmed", …): retrying cannot
 * change it. Any other error is treated as transient and the message is retried.
 */
export class Refusal extends Error {
  override readonly name = "Refusal";
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A reservation as the worker needs to see it. */
export interface ReservationView {
  status: "HOLD" | "CONFIRMED" | "CANCELLED" | "EXPIRED" | "UNKNOWN";
  paymentIntentId: string;
  /** Epoch ms; a HOLD past it is as good as expired even before the timer fires. */
  holdExpiresAt: number;
}

/** ReservationService as the worker calls it; every call is idempotent on the service side. */
export interface Reservations {
  /**
   * Returns the order id. `paymentApproval` is payment's signed approval from the event: with it
   * the confirm need not ask payment again.
   */
  confirm(req: {
    reservationId: string;
    userId: string;
    paymentIntentId: string;
    paymentApproval: string;
  }): Promise<string>;
  /** Expires the hold; the event lets a hold whose reservation was never stored be released too. */
  expire(hold: { reservationId: string; eventId: string }): Promise<{ changed: boolean }>;
  get(req: { reservationId: string; userId: string }): Promise<ReservationView>;
}

/**
 * What the buyer is told of their purchase: how it ended (CONFIRMED, EXPIRED), or that a payment
 * was declined while the hold stands (DECLINED, not an end: they may pay again).
 */
export interface Told {
  reservationId: string;
  status: "CONFIRMED" | "DECLINED" | "EXPIRED";
  orderId?: string;
  /** The declined payment. */
  paymentIntentId?: string;
}

/** The buyers: told how their purchase ended (best effort: they can always look it up). */
export interface Buyers {
  tell(outcome: Told): Promise<void>;
}

/**
 * The sale's confirmed orders as the operator console and Prometheus count them (docs/spec.md,
 * "Observability"): once per order across replicas and redeliveries.
 */
export interface SaleOrders {
  /** Counts the order of `reservationId` under `eventId`; false when it was counted before. */
  count(eventId: string, reservationId: string): Promise<boolean>;
}

/** PaymentService as the worker calls it. */
export interface Payments {
  /** Returns the money; refunding a refunded intent is a no-op. */
  refund(paymentIntentId: string, reason: string): Promise<void>;
}

/** One message as the queue delivered it. */
export interface Delivery {
  messageId: string;
  body: string;
  /** 1 on first delivery; the queue moves the message to the DLQ after its maxReceiveCount. */
  receiveCount: number;
  /** Epoch ms when the message was sent (for lag). */
  sentAt: number;
  receipt: string;
}

/** The event queue as the consumer drives it. */
export interface EventQueue {
  receive(
    max: number,
    waitSeconds: number,
    visibilitySeconds: number,
    signal: AbortSignal,
  ): Promise<Delivery[]>;
  /** Deletes a handled message. */
  ack(delivery: Delivery): Promise<void>;
  /** Hides the message for `seconds` more from now (keeps slow work, or schedules a retry). */
  hide(delivery: Delivery, seconds: number): Promise<void>;
  /** Approximate counts for the queue metrics (`dead`: every message on the DLQ). */
  depth(): Promise<{ visible: number; inFlight: number; dead: number }>;
}
