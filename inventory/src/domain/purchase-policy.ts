/** Each event's purchase policy: read by reservation on every hold (cached there), set by operators. */
import { eventFound, InvalidInputError } from "./errors.ts";
import type { PurchasePolicy, PurchasePolicyChange } from "./model.ts";
import type { PurchasePolicyStore } from "./ports.ts";
import { checkEventId } from "./validate.ts";

// The same bounds as the gateway's admin API (docs/spec.md, "Admin"). A buyer with more live
// holds than this is a hoarder whatever the event; seats are bounded like a large group booking.
const MAX_LIVE_RESERVATIONS = 10;
const MAX_SEATS_PER_USER = 1_000;

function checkLimit(field: string, value: number | null | undefined, max: number): void {
  if (value === undefined || value === null) return;
  if (!(Number.isInteger(value) && value >= 1 && value <= max)) {
    throw new InvalidInputError(field, `must be a whole number 1-${max}`);
  }
}

/** Checks a change of purchase policy; every problem names its field. */
export function checkPurchasePolicyChange(change: PurchasePolicyChange): void {
  checkLimit("max_live_reservations", change.maxLiveReservations, MAX_LIVE_RESERVATIONS);
  checkLimit("max_seats_per_user", change.maxSeatsPerUser, MAX_SEATS_PER_USER);
}

/** Reads and changes purchase policies; never cached here (reservation caches its reads). */
export class PurchasePolicies {
  constructor(private readonly store: PurchasePolicyStore) {}

  /** The event's policy as stored with it, or EventNotFoundError. */
  async get(eventId: string): Promise<PurchasePolicy> {
    checkEventId(eventId);
    return eventFound(eventId, await this.store.get(eventId));
  }

  /** Changes some of the event's policy durably; returns all of it, with the new version. */
  async update(eventId: string, change: PurchasePolicyChange): Promise<PurchasePolicy> {
    checkEventId(eventId);
    checkPurchasePolicyChange(change);
    return eventFound(eventId, await this.store.update(eventId, change));
  }
}
