/** Input checks shared by every operation; each failure names the field (VALIDATION_FAILED). */
import { isEventId } from "@tt/kit/limits";
import { InvalidInputError } from "./errors.ts";
import { parseSeatId, sectionOfSeat } from "./layout.ts";
import type { EventInfo } from "./model.ts";

// Reservation and user ids come from other services; anything printable and short is accepted.
const OPAQUE_ID = /^[A-Za-z0-9][A-Za-z0-9_:.-]{0,127}$/;

/** Checks an event id's shape; a well-formed but unknown id is EVENT_NOT_FOUND later, not here. */
export function checkEventId(eventId: string): string {
  if (!eventId) throw new InvalidInputError("event_id", "is required");
  if (!isEventId(eventId))
    throw new InvalidInputError("event_id", "must look like evt_<letters, digits, _ or ->");
  return eventId;
}

/** Checks an opaque id (reservation, user, order) is present and well-formed. */
export function checkOpaqueId(field: string, value: string, required = true): string {
  if (!value) {
    if (required) throw new InvalidInputError(field, "is required");
    return value;
  }
  if (!OPAQUE_ID.test(value)) throw new InvalidInputError(field, "must be 1-128 letters, digits or _:.-");
  return value;
}

/** Checks a seat list: not empty, no duplicates, within the limit, every seat exists in the event. */
export function checkSeatIds(event: EventInfo, seatIds: readonly string[], limit: number): string[] {
  if (seatIds.length === 0) throw new InvalidInputError("seat_ids", "must name at least one seat");
  if (seatIds.length > limit)
    throw new InvalidInputError("seat_ids", `at most ${limit} seats per reservation`);
  const seen = new Set<string>();
  for (const id of seatIds) {
    if (!parseSeatId(id)) throw new InvalidInputError("seat_ids", `"${id.slice(0, 40)}" is not a seat id`);
    if (seen.has(id)) throw new InvalidInputError("seat_ids", `seat ${id} is listed twice`);
    if (!sectionOfSeat(event, id)) throw new InvalidInputError("seat_ids", `event has no seat ${id}`);
    seen.add(id);
  }
  return [...seatIds];
}

/** Checks a quantity request: 1..limit, and the section (if any) belongs to the event. */
export function checkQuantity(event: EventInfo, quantity: number, sectionId: string, limit: number): void {
  if (!Number.isInteger(quantity) || quantity < 1)
    throw new InvalidInputError("quantity", "must be at least 1");
  if (quantity > limit) throw new InvalidInputError("quantity", `at most ${limit} seats per reservation`);
  if (sectionId && !event.sections.some((s) => s.sectionId === sectionId)) {
    throw new InvalidInputError("section_id", `event has no section ${sectionId}`);
  }
}
