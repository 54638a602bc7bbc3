/**
 * How a purchase stands, as the worker (which makes the outcome) tells the gateway (which holds
 * the buyer's socket): published on a Redis channel per reservation. Best effort by design: a
 * buyer who misses it can always read the reservation.
 */

/**
 * A purchase's news, pushed to the buyer as a `purchase` frame: its end (CONFIRMED, EXPIRED), or
 * a declined payment while the hold stands (DECLINED: not an end, the buyer may pay again).
 */
export interface PurchaseOutcome {
  reservation_id: string;
  status: "CONFIRMED" | "DECLINED" | "EXPIRED";
  order_id?: string;
  /** The declined payment (DECLINED only). */
  payment_intent_id?: string;
}

/** Whether a frame of this status ends the purchase (no more frames for the reservation). */
export const endsPurchase = (status: PurchaseOutcome["status"]) => status !== "DECLINED";

/** The channel a reservation's outcome is published on. */
export const purchaseChannel = (reservationId: string) => `tt:purchase:${reservationId}`;
