import type { Reservation } from "./types.ts";

/** How a hold ended. */
export type Outcome = "confirmed" | "expired" | "cancelled";

/**
 * How a reservation ended, from its status; undefined while it is still a hold. A declined
 * payment is not an end: the hold stands until its time and the buyer may pay again (see
 * {@link wasDeclined}).
 */
export function outcomeOf(r: Pick<Reservation, "status">): Outcome | undefined {
  if (r.status === "CONFIRMED") return "confirmed";
  if (r.status === "EXPIRED") return "expired";
  if (r.status === "CANCELLED") return "cancelled";
  return undefined;
}

/** The payment under way was declined while its hold still stands: the buyer may pay again. */
export function wasDeclined(r: Pick<Reservation, "status">, payment?: string): boolean {
  return r.status === "HOLD" && payment === "FAILED";
}
