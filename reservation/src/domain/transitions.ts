import type { ReservationDeps } from "./deps.ts";
import type { Reservation } from "./model.ts";

/** The reservation after a change: patched, version bumped, stamped. */
export function advance(r: Reservation, patch: Partial<Reservation>, now: number): Reservation {
  return { ...r, ...patch, version: r.version + 1, updatedAt: now };
}

/**
 * Ends a HOLD as CANCELLED or EXPIRED together with its outbox event, then frees the seats and
 * disarms the timer. The state change comes first: once it is stored no confirm can win the
 * seats back, so releasing afterwards is safe; if the release fails, inventory's lazy expiry
 * frees the seats at the hold time anyway.
 */
export async function endHold(
  deps: ReservationDeps,
  r: Reservation,
  status: "CANCELLED" | "EXPIRED",
  guard: { holdPassedAt?: number } = {},
): Promise<Reservation> {
  const now = deps.now();
  const to = advance(r, { status, confirming: undefined }, now);
  const type = status === "CANCELLED" ? "reservation.cancelled" : "reservation.expired";
  await deps.store.transition({ from: r, to, event: { type, reservation: to }, tally: "ended", ...guard });
  deps.metrics.transitioned(status);
  if (status === "CANCELLED") await disarm(deps, r.id);
  await releaseSeats(deps, to, status);
  return to;
}

/**
 * Gives an ended reservation's seats back. A failure is the caller's (after the state change,
 * which stands): the worker retries its event, a buyer its cancel, and the repeat finds the
 * reservation ended and releases again (idempotent in inventory). Swallowing it left seats HELD
 * until inventory's next rebuild, up to 30 s past their hold (chaos drop).
 */
export async function releaseSeats(
  deps: ReservationDeps,
  r: Reservation,
  reason: "CANCELLED" | "EXPIRED",
): Promise<void> {
  await deps.inventory.release({ reservationId: r.id, eventId: r.eventId, seatIds: r.seatIds, reason });
}

/** Cancels the hold's timer; a failure only costs a wasted (idempotent) expiry call later. */
export async function disarm(deps: ReservationDeps, reservationId: string): Promise<void> {
  await deps.timer
    .cancel(reservationId)
    .catch((err) => deps.log.warn("expiry timer not cancelled", { reservation_id: reservationId, err }));
}

/**
 * Gives up an id no reservation is stored under (a create that died or was given up between its
 * hold and its write). It is marked abandoned first, so that a create of it still on its way
 * fails rather than store a HOLD whose seats are freed here; then whatever inventory holds for
 * it is released. Answers the reservation instead, changing nothing, if one is stored after all.
 * Besides abandoned holds, a timer meets the lost races another replica (or the process before a
 * restart) saw: each costs the mark and a release that finds no hold.
 */
export async function giveUp(
  deps: ReservationDeps,
  reservationId: string,
  eventId: string,
): Promise<Reservation | undefined> {
  const landed = await deps.store.abandon(reservationId);
  if (landed) return landed;
  const freed = await deps.inventory.release({ reservationId, eventId, seatIds: [], reason: "EXPIRED" });
  if (freed.length > 0) {
    deps.log.warn("released the seats of a hold whose reservation was never stored", {
      reservation_id: reservationId,
      seats: freed.length,
    });
  }
  return undefined;
}
