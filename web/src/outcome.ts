import type { Reservation } from "./types.ts";

/** How a hold ended. */
export type Outcome = "confirmed" | "declined" | "expired" | "cancelled";

/**
 * How a reservation ended, from its status and (if known) its payment's; undefined while it is
 * still undecided. A failed payment wins over the reservation's status because the worker
 * cancels the hold only after the payment event reaches it, and the buyer should hear "declined"
 * at once rather than "cancelled" later.
 */
export function outcomeOf(
  r: Pick<Reservation, "status" | "payment_intent_id">,
  payment?: string,
): Outcome | undefined {
  if (payment === "FAILED") return "declined";
  if (r.status === "CONFIRMED") return "confirmed";
  if (r.status === "EXPIRED") return "expired";
  if (r.status === "CANCELLED") return r.payment_intent_id ? "declined" : "cancelled";
  return undefined;
}
