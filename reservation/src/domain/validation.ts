// Input checks shared by every transport; failures carry the catalogue code and the field.
import type { AppError } from "@tt/kit";
import { ReservationError } from "./errors.ts";

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
const SEAT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const RESERVATION_ID = /^rsv_[0-9a-f]{32}$/;
const ORDER_ID = /^ord_[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(field: string, why: string): AppError {
  return new ReservationError("VALIDATION_FAILED", `${field}: ${why}`, { metadata: { field } });
}

/** Checks an identifier-like field (event, user, section, payment intent ids). */
export function requireId(field: string, value: string): string {
  if (!value) throw invalid(field, "is required");
  if (!ID.test(value)) throw invalid(field, "is not a valid id");
  return value;
}

/** Checks a reservation id (`rsv_` + 32 hex digits). */
export function requireReservationId(value: string): string {
  if (!value) throw invalid("reservation_id", "is required");
  if (!RESERVATION_ID.test(value)) throw invalid("reservation_id", "is not a reservation id");
  return value;
}

/** Checks an order id (`ord_` + 32 hex digits). */
export function requireOrderId(value: string): string {
  if (!value) throw invalid("order_id", "is required");
  if (!ORDER_ID.test(value)) throw invalid("order_id", "is not an order id");
  return value;
}

/** Checks an idempotency key: required where `required`, and a UUID when present. */
export function checkIdempotencyKey(value: string, required: boolean): string | undefined {
  if (!value) {
    if (required)
      throw new ReservationError("IDEMPOTENCY_REQUIRED", "idempotency_key is required for this call");
    return undefined;
  }
  if (!UUID.test(value))
    throw new ReservationError("INVALID_IDEMPOTENCY_KEY", "idempotency_key must be a UUID");
  return value;
}

/** A create request as the domain accepts it. */
export interface CreateInput {
  eventId: string;
  userId: string;
  seatIds: string[];
  quantity: number;
  sectionId: string;
  idempotencyKey: string;
  /** The token the waiting room handed the buyer on enter. */
  reservationToken: string;
  /** The waiting room has since handed the buyer a newer token (the gateway says so). */
  reservationTokenSuperseded?: boolean;
}

/** Checks a create request: explicit seats or a quantity, at most `maxSeats`, no duplicates. */
export function validateCreate(
  input: CreateInput,
  maxSeats: number,
): CreateInput & { idempotencyKey: string } {
  requireId("event_id", input.eventId);
  requireId("user_id", input.userId);
  if (input.sectionId) requireId("section_id", input.sectionId);
  const key = checkIdempotencyKey(input.idempotencyKey, true) as string;
  const seats = input.seatIds;
  if (!Number.isInteger(input.quantity) || input.quantity < 0) {
    throw invalid("quantity", "must be a positive whole number");
  }
  if (seats.length === 0) {
    if (input.quantity === 0) throw invalid("seat_ids", "give seat_ids or a quantity");
    if (input.quantity > maxSeats) throw invalid("quantity", `must be at most ${maxSeats}`);
  } else {
    if (seats.length > maxSeats) throw invalid("seat_ids", `at most ${maxSeats} seats per reservation`);
    if (input.quantity !== 0 && input.quantity !== seats.length) {
      throw invalid("quantity", "must equal the number of seat_ids when both are given");
    }
    seats.forEach((seat, i) => {
      if (!SEAT.test(seat)) throw invalid(`seat_ids[${i}]`, "is not a valid seat id");
    });
    if (new Set(seats).size !== seats.length) throw invalid("seat_ids", "contains a seat twice");
  }
  return { ...input, idempotencyKey: key };
}
