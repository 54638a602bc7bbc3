/**
 * Named domain errors. Each is an AppError with a fixed catalogue code, so the kit's transports
 * translate it (Connect code + ErrorDetail, or REST status) without inventory-specific mapping.
 */
import { AppError } from "@tt/kit";
import type { Seat } from "./model.ts";

/** Bad input: the message names the field (400 VALIDATION_FAILED). */
export class InvalidInputError extends AppError {
  override readonly name = "InvalidInputError";
  constructor(field: string, message: string) {
    super("VALIDATION_FAILED", `${field}: ${message}`, { metadata: { field } });
  }
}

/** The event does not exist (404). */
export class EventNotFoundError extends AppError {
  override readonly name = "EventNotFoundError";
  constructor(eventId: string) {
    super("EVENT_NOT_FOUND", `Event ${eventId} does not exist`, { metadata: { event_id: eventId } });
  }
}

/** `found`, or EventNotFoundError when the store has no such event: how every read by event id ends. */
export function eventFound<T>(eventId: string, found: T | undefined): T {
  if (found === undefined) throw new EventNotFoundError(eventId);
  return found;
}

/** Some requested seats are held or sold by someone else; names them (409). */
export class SeatsUnavailableError extends AppError {
  override readonly name = "SeatsUnavailableError";
  /**
   * `seats` carries their current state when the store reported it (the cache follows it). When
   * some of them are held or sold to `askingUserId`, `held_by_you` says so — perhaps an earlier
   * attempt of this very request, which the caller can then answer from its idempotency record —
   * and `your_holds` names the reservations of that user holding them (not those that bought
   * them), so the caller can tell an attempt it never stored from a live reservation.
   */
  constructor(
    readonly seatIds: string[],
    readonly seats: Seat[] = [],
    askingUserId = "",
  ) {
    const yours = askingUserId ? seats.filter((s) => s.userId === askingUserId) : [];
    const holding = [...new Set(yours.flatMap((s) => (s.status === "HELD" && s.holder ? [s.holder] : [])))];
    super(
      "SEAT_UNAVAILABLE",
      seatIds.length > 0 ? `Seats not available: ${seatIds.join(", ")}` : "Not enough seats are available",
      {
        metadata: {
          seat_ids: seatIds.join(","),
          ...(yours.length > 0 ? { held_by_you: "true" } : {}),
          ...(holding.length > 0 ? { your_holds: holding.join(",") } : {}),
        },
      },
    );
  }
}

/** Concurrent writers kept colliding on the same seats; safe to retry (409). */
export class InventoryConflictError extends AppError {
  override readonly name = "InventoryConflictError";
  constructor(cause?: unknown) {
    super("INVENTORY_CONFLICT", "Seats are being changed by another request; try again", { cause });
  }
}

/** The reservation's hold has passed, so its seats can no longer be committed (409). */
export class HoldExpiredError extends AppError {
  override readonly name = "HoldExpiredError";
  constructor(reservationId: string) {
    super("RESERVATION_EXPIRED", `The hold of reservation ${reservationId} has expired`, {
      metadata: { reservation_id: reservationId },
    });
  }
}

/** No seats were ever held for this reservation (404). */
export class HoldNotFoundError extends AppError {
  override readonly name = "HoldNotFoundError";
  constructor(reservationId: string) {
    super("RESERVATION_NOT_FOUND", `No seats are held for reservation ${reservationId}`, {
      metadata: { reservation_id: reservationId },
    });
  }
}

/** The request does not fit the hold's current state, e.g. other seats or a released hold (409). */
export class InvalidHoldStateError extends AppError {
  override readonly name = "InvalidHoldStateError";
  constructor(message: string) {
    super("INVALID_STATE", message);
  }
}
