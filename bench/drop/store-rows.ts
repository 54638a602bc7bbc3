// What the drop reads back from the stores at its end (drop/store-read.ts, drop/dlq-read.ts), as
// plain rows: the snapshot store-check.ts judges, and tests craft broken states of.

/** A seat item of the seats table. */
export interface SeatRow {
  seatId: string;
  status: string;
  holder?: string;
  holdExpiresAt?: number;
  orderId?: string;
  updatedAt: number;
}

/** A reservation's hold record in the seats table. */
export interface HoldRow {
  reservationId: string;
  status: string;
  holdExpiresAt: number;
  releaseReason?: string;
  updatedAt: number;
}

/** A reservation item. */
export interface ReservationRow {
  reservationId: string;
  userId: string;
  status: string;
  seatIds: string[];
  holdExpiresAt: number;
  orderId?: string;
  updatedAt: number;
}

/** An order item. */
export interface OrderRow {
  orderId: string;
  reservationId: string;
  userId: string;
  seatIds: string[];
  /** The payment intent the order was confirmed with. */
  paymentIntentId: string;
}

/** A payment intent of the payments table (only what the money check reads). */
export interface PaymentRow {
  intentId: string;
  reservationId: string;
  /** PENDING, APPROVED, FAILED or REFUNDED. */
  status: string;
  amount: number;
  updatedAt: number;
}

/** Everything the checks read, as of `takenAt` (epoch ms). */
export interface StoreSnapshot {
  takenAt: number;
  seats: SeatRow[];
  holds: HoldRow[];
  reservations: ReservationRow[];
  orders: OrderRow[];
  /** The intents of this event's reservations. */
  payments: PaymentRow[];
}

/** A HELD seat seen past its hold + grace while the drop ran (by the store watcher). */
export interface StaleSighting {
  seatId: string;
  holder?: string;
  /** How long past its hold it was at `at`, the last poll that saw it HELD by this holder. */
  lateMs: number;
  at: number;
  /** The first poll after that found it no longer HELD by this holder; absent if none did. */
  releasedSeenAt?: number;
}

/** One message found in the dead-letter queue, with the ids its envelope names (when it is one). */
export interface DlqMessage {
  messageId: string;
  /** The envelope's type ("payment.approved", …); absent when the body is not an envelope. */
  type?: string;
  envelopeId?: string;
  reservationId?: string;
  paymentIntentId?: string;
  orderId?: string;
  /** The raw body (the check quotes it when the message is not an envelope). */
  body: string;
}

/** What the dead-letter queue held when the drop ended. */
export interface DlqContents {
  /** The queue's ApproximateNumberOfMessages, read before any receive hid a message. */
  approximateCount: number;
  /**
   * ApproximateNumberOfMessagesNotVisible at the same moment: messages being read, or hidden by
   * an earlier peek (fauxqs keeps counting those here until the next receive).
   */
  approximateInFlight: number;
  /** The messages a few receives returned (possibly fewer than the queue holds). */
  messages: DlqMessage[];
}
