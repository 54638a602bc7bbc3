/**
 * The purchase policy (docs/spec.md, "Purchase policy"): per buyer per event, at most
 * `maxLiveReservations` live holds and `maxSeatsPerUser` seats held plus bought. Pure rules over
 * the buyer's tally; the store conditions the hold's own transaction on the tally it was judged
 * on, so two holds of one buyer can never both pass on the same view.
 */
import { AppError } from "@tt/kit";
import { ReservationError } from "./errors.ts";

/** What one buyer may hold and buy of one event. */
export interface PurchasePolicy {
  maxLiveReservations: number;
  maxSeatsPerUser: number;
}

/** The event's own choices; a field left out takes the service's default. */
export type PolicyOverrides = Partial<PurchasePolicy>;

/** One of the buyer's holds as the tally remembers it. */
export interface TalliedHold {
  reservationId: string;
  seats: number;
  holdExpiresAt: number;
  /** A confirm has claimed it: its seats are being bought, whatever the clock says. */
  confirming: boolean;
}

/** What one buyer holds and has bought of one event, as stored. */
export interface BuyerTally {
  /** Goes up with every write; 0: nothing stored yet. */
  version: number;
  /** Seats of confirmed reservations. */
  bought: number;
  holds: TalliedHold[];
}

/** A hold judged allowed, and the tally it was judged on (its write is conditioned on it). */
export interface TallyVerdict {
  read: BuyerTally;
  /** Lapsed holds the write drops from the tally (they no longer count, see `counts`). */
  prune: string[];
}

/** The tally of a buyer who never held anything. */
export const EMPTY_TALLY: BuyerTally = { version: 0, bought: 0, holds: [] };

/**
 * True while a hold counts against the policy: its time has not passed, or a confirm claimed it
 * (it may become an order after its time). A lapsed hold stops counting the moment it lapses —
 * the expiry worker need not have run.
 */
export function counts(hold: TalliedHold, now: number): boolean {
  return hold.confirming || hold.holdExpiresAt > now;
}

/** The policy the event runs with: its own choices over the service's defaults. */
export function effectivePolicy(defaults: PurchasePolicy, overrides: PolicyOverrides): PurchasePolicy {
  return {
    maxLiveReservations: overrides.maxLiveReservations ?? defaults.maxLiveReservations,
    maxSeatsPerUser: overrides.maxSeatsPerUser ?? defaults.maxSeatsPerUser,
  };
}

/**
 * Judges a new hold of `seats` seats against the buyer's tally at `now`: the verdict to write
 * with it, or RESERVATION_LIMIT / SEAT_LIMIT (409, with the numbers a client can act on).
 */
export function judgeHold(
  tally: BuyerTally,
  policy: PurchasePolicy,
  seats: number,
  now: number,
): TallyVerdict {
  const live = tally.holds.filter((h) => counts(h, now));
  if (live.length >= policy.maxLiveReservations) {
    throw new ReservationError(
      "RESERVATION_LIMIT",
      `At most ${policy.maxLiveReservations} live reservation(s) per buyer for this event; finish or cancel one first`,
      {
        metadata: {
          max_live_reservations: String(policy.maxLiveReservations),
          ...(live.length === 1 ? { reservation_id: live[0]?.reservationId ?? "" } : {}),
        },
      },
    );
  }
  const taken = tally.bought + live.reduce((sum, h) => sum + h.seats, 0);
  if (taken + seats > policy.maxSeatsPerUser) {
    throw new ReservationError(
      "SEAT_LIMIT",
      `At most ${policy.maxSeatsPerUser} seats per buyer for this event; ${taken} already held or bought`,
      {
        metadata: {
          max_seats_per_user: String(policy.maxSeatsPerUser),
          seats_remaining: String(Math.max(0, policy.maxSeatsPerUser - taken)),
        },
      },
    );
  }
  const prune = tally.holds.filter((h) => !counts(h, now)).map((h) => h.reservationId);
  return { read: tally, prune };
}

/** True for the refusals of this policy. */
export function isPolicyRefusal(error: unknown): error is AppError {
  return error instanceof AppError && (error.code === "RESERVATION_LIMIT" || error.code === "SEAT_LIMIT");
}
