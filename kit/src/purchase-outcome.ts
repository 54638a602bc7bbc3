/**
 * How a purchase ended, as the worker (which makes the outcome) tells the gateway (which holds
 * the buyer's socket): published on a Redis channel per reservation. Best effort by design: a
 * buyer who misses it can always read the reservation.
 */

/** The end of a purchase, pushed to the buyer as a `purchase` frame. */
export interface PurchaseOutcome {
  reservation_id: string;
  status: "CONFIRMED" | "CANCELLED" | "EXPIRED";
  order_id?: string;
}

/** The channel a reservation's outcome is published on. */
export const purchaseChannel = (reservationId: string) => `tt:purchase:${reservationId}`;
