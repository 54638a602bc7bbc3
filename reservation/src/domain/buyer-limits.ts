/**
 * The purchase policy on the hold path. A hold is judged before its seats are held, and the
 * judgement is made binding by the hold's own transaction, which writes the tally only if it is
 * still the one judged; when it moved in between (another hold of the same buyer, an end), the
 * hold is judged again on the tally as it is now.
 *
 * A buyer this process has not seen hold anything for the event is judged on an empty tally
 * without reading it: in a drop nearly every hold attempt is a buyer's first, and most of them
 * lose a seat race, so the read cost DynamoDB one request per attempt (5,000+ a drop) on the
 * busiest path. The transaction still checks that no tally exists; a buyer who does have one
 * (held through another replica, or before a restart) is judged again on it, and a refusal then
 * gives back the seats just held — a rare flicker, never a hold past the limit.
 */
import type { ReservationDeps } from "./deps.ts";
import { ReservationError } from "./errors.ts";
import type { Reservation } from "./model.ts";
import { type CreateGuards, TallyChanged } from "./ports.ts";
import {
  type BuyerTally,
  EMPTY_TALLY,
  effectivePolicy,
  judgeHold,
  type PurchasePolicy,
  type TallyVerdict,
} from "./purchase-policy.ts";

// Each retry means another write of this very buyer won; a handful is plenty for one person.
const MAX_TALLY_ATTEMPTS = 4;

// Buyers remembered as having a tally (a Set keeps insertion order: the oldest go first).
const MAX_REMEMBERED = 100_000;
const tallyKey = (eventId: string, userId: string) => `${eventId}\n${userId}`;

/** Judges holds against the event's purchase policy and records them under that judgement. */
export class BuyerLimits {
  /** Buyers (event and user) this process has written a tally for. */
  private readonly tallied = new Set<string>();

  constructor(
    private readonly deps: Pick<ReservationDeps, "store" | "policies" | "now">,
    private readonly defaults: PurchasePolicy,
  ) {}

  /**
   * The verdict for a new hold, read from the store only for a buyer this process knows to have
   * a tally (see the file comment); RESERVATION_LIMIT / SEAT_LIMIT.
   */
  judgeNewHold(eventId: string, userId: string, seats: number): Promise<TallyVerdict> {
    const known = this.tallied.has(tallyKey(eventId, userId)) ? undefined : EMPTY_TALLY;
    return this.judge(eventId, userId, seats, known);
  }

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
        this.remember(reservation.eventId, reservation.userId);
        return;
      } catch (error) {
        if (!(error instanceof TallyChanged)) throw error;
        if (attempt >= MAX_TALLY_ATTEMPTS) {
          throw new ReservationError(
            "INVALID_STATE",
            "Your other reservations for this event are changing; try again",
            {
              retryAfterSec: 1,
            },
          );
        }
        const { eventId, userId, seatIds } = reservation;
        this.remember(eventId, userId);
        current = await this.judge(eventId, userId, seatIds.length, error.current);
      }
    }
  }

  private remember(eventId: string, userId: string): void {
    const key = tallyKey(eventId, userId);
    if (this.tallied.has(key)) return;
    this.tallied.add(key);
    if (this.tallied.size > MAX_REMEMBERED) {
      const oldest = this.tallied.keys().next().value;
      if (oldest !== undefined) this.tallied.delete(oldest);
    }
  }
}
