import { pickBestSeats } from "./best-seats.ts";
import { SeatsUnavailableError } from "./errors.ts";
import { priceOf } from "./layout.ts";
import { type EventInfo, type Hold, isFree } from "./model.ts";
import type { SeatStore } from "./ports.ts";
import type { SeatLanes } from "./seat-lanes.ts";
import { type SeatMaps, statusIn } from "./seat-map.ts";

// The hold's two ways of meeting other buyers before and during the transaction: refusing what
// is certainly taken without a transaction, and picking the best free seats for a quantity.

// Quantity picks race other buyers for the same "best" seats; after a collision the next try
// skips the seats that were taken and chooses among several good blocks.
const PICK_ATTEMPTS = 3;
const PICK_SPREAD = 4;

/**
 * Refuses, before any transaction, a hold whose refusal is already certain. Every seat the map
 * shows taken is read from the store, strongly consistent, in the one read the event's other
 * refusals of this event-loop turn share (seat-reads.dynamo.ts):
 * - a seat the map shows HELD may have been released since (the map can be behind);
 * - a seat the map shows SOLD stays sold (SOLD is final), but the map does not say to whom: the
 *   read tells whether this very reservation is re-sending a hold it already committed, and
 *   whether the asking buyer bought it (`held_by_you`, which sends reservation to its own
 *   records), where a lone read of the reservation's hold record used to be made per refusal
 *   (0.41–0.54 `GetItem`s per `ReserveSeats` in a crowd's tail, bench/README.md).
 * If the store says a seat is held by another live hold or sold, the transaction would be
 * cancelled on it just the same, and the read costs DynamoDB a fraction of that cancelled
 * transaction. Winners are still made only by the transaction.
 */
export async function refuseTaken(
  deps: { maps: SeatMaps; seats: Pick<SeatStore, "readSeats"> },
  event: EventInfo,
  reservationId: string,
  userId: string,
  seatIds: string[],
  now: number,
) {
  const snapshot = await deps.maps.snapshot(event);
  const shown = seatIds.filter((id) => statusIn(snapshot, id, now) !== "AVAILABLE");
  if (shown.length === 0) return;
  const stored = await deps.seats.readSeats(event, shown);
  // Seats this reservation itself holds or bought are a re-sent hold, which the transaction answers.
  const taken = stored.filter((s) => s.holder !== reservationId && !isFree(s, now));
  // The map was behind on a seat the store has freed: correct it for the next buyer (a seat it
  // rightly shows taken needs no write).
  const freed = stored.filter((s) => isFree(s, now));
  if (freed.length > 0) await deps.maps.written(event.eventId, freed);
  if (taken.length === 0) return;
  throw new SeatsUnavailableError(
    taken.map((s) => s.seatId),
    taken,
    userId,
  );
}

/**
 * Holds `input.quantity` of the best seats the map shows free. Picks race other buyers for the
 * same seats: after a collision the next try skips the seats that were taken.
 */
export async function pickAndHold(
  deps: { maps: SeatMaps; lanes: Pick<SeatLanes, "hold"> },
  event: EventInfo,
  input: { quantity: number; sectionId: string },
  write: Omit<Parameters<SeatStore["hold"]>[0], "seatIds" | "totalAmount">,
): Promise<Hold> {
  const { maps } = deps;
  const taken = new Set<string>();
  let lastError: unknown;
  for (let attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
    const snapshot = await maps.snapshot(event);
    const picked = pickBestSeats({
      event,
      quantity: input.quantity,
      sectionId: input.sectionId || undefined,
      isFree: (id) => !taken.has(id) && statusIn(snapshot, id, write.now) === "AVAILABLE",
      spread: attempt === 0 ? 1 : PICK_SPREAD,
    });
    if (!picked) throw new SeatsUnavailableError([]);
    try {
      const result = await deps.lanes.hold({
        ...write,
        seatIds: picked,
        totalAmount: priceOf(event, picked),
      });
      await maps.written(event.eventId, result.changed);
      return result.hold;
    } catch (error) {
      if (!(error instanceof SeatsUnavailableError)) throw error;
      lastError = error;
      for (const id of error.seatIds) taken.add(id);
      await maps.written(event.eventId, error.seats);
    }
  }
  throw lastError;
}
