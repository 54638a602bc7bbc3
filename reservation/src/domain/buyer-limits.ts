/**
 * The purchase policy on the hold path. A hold is judged before its seats are held (a buyer over
 * the limit costs no seat transaction and leaves no seat flickering HELD), and the judgement is
 * made binding by the hold's own transaction, which writes the tally only if it is still the one
 * judged; when it moved in between (another hold of the same buyer, an end), the hold is judged
 * again on the tally as it is now.
 */
import { AppError } from "@tt/kit";
import type { ReservationDeps } from "./deps.ts";
import type { Reservation } from "./model.ts";
import { type CreateGuards, TallyChanged } from "./ports.ts";
import {
  type BuyerTally,
  effectivePolicy,
  judgeHold,
  type PurchasePolicy,
  type TallyVerdict,
} from "./purchase-policy.ts";

// Each retry means another write of this very buyer won; a handful is plenty for one person.
const MAX_TALLY_ATTEMPTS = 4;

/** Judges holds against the event's purchase policy and records them under that judgement. */
export class BuyerLimits {
  constructor(
    private readonly deps: Pick<ReservationDeps, "store" | "policies" | "now">,
    private readonly defaults: PurchasePolicy,
  ) {}

  /** The verdict for a hold of `seats` seats by the buyer now, or RESERVATION_LIMIT / SEAT_LIMIT. */
  async judge(eventId: string, userId: string, seats: number, known?: BuyerTally): Promise<TallyVerdict> {
    const [overrides, tally] = await Promise.all([
      this.deps.policies.overrides(eventId),
      known ?? this.deps.store.tally(eventId, userId),
    ]);
    return judgeHold(tally, effectivePolicy(this.defaults, overrides), seats, this.deps.now());
  }

  /**
   * Stores the new HOLD with its verdict; judged again (and refused, or written under the new
   * verdict) each time the buyer's tally turns out to have moved. The caller releases the seats
   * when this throws.
   */
  async record(reservation: Reservation, guards: CreateGuards, verdict: TallyVerdict): Promise<void> {
    let current = verdict;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.store.create(
          reservation,
          { type: "reservation.created", reservation },
          { ...guards, tally: current },
        );
        return;
      } catch (error) {
        if (!(error instanceof TallyChanged)) throw error;
        if (attempt >= MAX_TALLY_ATTEMPTS) {
          throw new AppError(
            "INVALID_STATE",
            "Your other reservations for this event are changing; try again",
            {
              retryAfterSec: 1,
            },
          );
        }
        const { eventId, userId, seatIds } = reservation;
        current = await this.judge(eventId, userId, seatIds.length, error.current);
      }
    }
  }
}
